import type { KeyboardEvent } from 'react';

/** Ctrl+Enter (⌘+Enter) runs the tool from anywhere in the form, a multi-line field included. */
export function submitOnCtrlEnter(event: KeyboardEvent<HTMLFormElement>): void {
  if (event.key !== 'Enter' || !(event.ctrlKey || event.metaKey)) return;
  event.preventDefault();
  event.currentTarget.requestSubmit();
}
