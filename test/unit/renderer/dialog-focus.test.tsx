// @vitest-environment jsdom
import './setup.ts';
import { screen, waitFor } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import type { ToolInfo } from '../../../preload/contract/index.ts';
import { ConfirmDialog } from '../../../renderer/components/dialog.tsx';
import { ToolList } from '../../../renderer/components/tool-list.tsx';
import { renderWithBridge } from './render.tsx';

/** Issue 11, window item 8: dialogs start on their first field and give focus back to what opened them. */

const tools: ToolInfo[] = [
  {
    name: 'add',
    exposedName: 'calc__add',
    description: 'Adds two numbers',
    inputSchema: {
      type: 'object',
      properties: { a: { type: 'number' }, b: { type: 'number' } },
      required: ['a', 'b'],
    },
    enabled: true,
  },
];

function Confirming() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Remove value
      </button>
      <ConfirmDialog
        open={open}
        onOpenChange={setOpen}
        title="Remove the value?"
        body="It cannot be brought back."
        confirmLabel="Remove"
        onConfirm={() => setOpen(false)}
      />
    </>
  );
}

describe('dialog focus', () => {
  it('opens "Try" on its first field, and Close gives focus back to the Try button', async () => {
    const { user } = renderWithBridge(<ToolList prefix="calc" tools={tools} />);
    const opener = screen.getByRole('button', { name: 'Try add' });
    await user.click(opener);
    const dialog = await screen.findByRole('dialog', { name: 'Try add' });
    await waitFor(() => expect(screen.getByRole('spinbutton', { name: 'a' })).toHaveFocus());
    expect(dialog).toBeInTheDocument();
    await user.click(screen.getByRole('button', { name: 'Close' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(opener).toHaveFocus());
  });

  it('Escape closes and returns focus too, never to <body>', async () => {
    const { user } = renderWithBridge(<Confirming />);
    const opener = screen.getByRole('button', { name: 'Remove value' });
    await user.click(opener);
    await screen.findByRole('dialog', { name: 'Remove the value?' });
    // No field: the first button of the body (Cancel), not the Close icon in the header.
    await waitFor(() => expect(screen.getByRole('button', { name: 'Cancel' })).toHaveFocus());
    await user.keyboard('{Escape}');
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull());
    await waitFor(() => expect(opener).toHaveFocus());
    expect(document.activeElement).not.toBe(document.body);
  });
});
