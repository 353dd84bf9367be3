/**
 * Shared setup for renderer component tests (imported at the top of each test file, so vitest.config.ts
 * needs no DOM-only setupFiles): jest-dom matchers, cleanup between tests, and the browser APIs jsdom lacks.
 */
import '@testing-library/jest-dom/vitest';
import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => {
  cleanup();
});

// Radix measures elements (Switch thumb, popper) with ResizeObserver, which jsdom does not have.
globalThis.ResizeObserver ??= class {
  observe(): void {}
  unobserve(): void {}
  disconnect(): void {}
};

// Radix pointer handling calls these on elements; jsdom leaves them out.
Element.prototype.hasPointerCapture ??= () => false;
Element.prototype.releasePointerCapture ??= () => {};
Element.prototype.scrollIntoView ??= () => {};
