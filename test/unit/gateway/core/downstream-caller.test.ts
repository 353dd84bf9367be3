import { describe, expect, it } from 'vitest';
import { levelAllows } from '../../../../main/gateway/core/downstream-caller.ts';

describe('levelAllows', () => {
  it('passes everything without a minimum', () => {
    expect(levelAllows(undefined, 'debug')).toBe(true);
  });

  it('filters by severity', () => {
    expect(levelAllows('warning', 'info')).toBe(false);
    expect(levelAllows('warning', 'warning')).toBe(true);
    expect(levelAllows('warning', 'emergency')).toBe(true);
  });

  it('lets unknown levels through rather than hide them', () => {
    expect(levelAllows('warning', 'weird')).toBe(true);
    expect(levelAllows('weird', 'debug')).toBe(true);
  });
});
