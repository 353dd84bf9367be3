// @vitest-environment jsdom
import './setup.ts';
import { act, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { CommandOutput, ToolInfo } from '../../../preload/contract/index.ts';
import { ToolList } from '../../../renderer/components/tool-list.tsx';
import { createFakeBridge } from './fake-bridge.ts';
import { renderWithBridge } from './render.tsx';

/** Issue 11, window item 6: a slow call shows progress and elapsed time, and can be cancelled. */

const sleep: ToolInfo = {
  name: 'sleep',
  exposedName: 'slow__sleep',
  description: 'Waits, reporting progress',
  inputSchema: { type: 'object', properties: { ms: { type: 'number' } }, required: ['ms'] },
  enabled: true,
};

describe('trying a slow tool', () => {
  it('shows the progress the tool reports, and Cancel stops the call', async () => {
    const bridge = createFakeBridge();
    let finish: (value: CommandOutput<'tools.call'>) => void = () => {};
    bridge.handle(
      'tools.call',
      () => new Promise<CommandOutput<'tools.call'>>((resolve) => (finish = resolve)),
    );
    bridge.handle('tools.cancel', () => {
      finish({
        isError: true,
        content: [{ type: 'text', text: 'The call to sleep on slow was cancelled.' }],
        durationMs: 2100,
        cancelled: true,
      });
      return { cancelled: true };
    });
    const { user } = renderWithBridge(<ToolList prefix="slow" tools={[sleep]} />, bridge);
    await user.click(screen.getByRole('button', { name: 'Try sleep' }));
    const dialog = await screen.findByRole('dialog', { name: 'Try sleep' });
    await user.type(within(dialog).getByRole('spinbutton', { name: 'ms' }), '6000');
    await user.click(within(dialog).getByRole('button', { name: 'Run' }));

    const running = await within(dialog).findByRole('region', { name: 'Running' });
    expect(within(running).getByRole('status')).toHaveTextContent('Running…');
    const callId = bridge.callsOf('tools.call')[0]?.callId ?? '';
    expect(callId).toMatch(/^[a-f0-9]{32}$/);
    act(() => bridge.emit('tools.progress', { callId, progress: 2, total: 5 }));
    expect(within(running).getByRole('status')).toHaveTextContent('Running… 2 of 5');
    expect(within(running).getByRole('progressbar', { name: 'Progress of sleep' })).toHaveAttribute(
      'value',
      '2',
    );
    // Another call's progress is not ours.
    act(() => bridge.emit('tools.progress', { callId: 'someone-else', progress: 4, total: 5 }));
    expect(within(running).getByRole('status')).toHaveTextContent('2 of 5');
    expect(within(running).getByLabelText('Elapsed time')).toBeInTheDocument();

    await user.click(within(running).getByRole('button', { name: 'Cancel' }));
    expect(bridge.callsOf('tools.cancel')).toEqual([{ callId }]);
    expect(await within(dialog).findByText('Cancelled')).toBeInTheDocument();
    await waitFor(() => expect(within(dialog).queryByRole('region', { name: 'Running' })).toBeNull());
  });

  it('says "Hidden from clients" for a switched-off tool instead of the name clients would see', () => {
    renderWithBridge(<ToolList prefix="slow" tools={[{ ...sleep, enabled: false }]} />);
    expect(screen.getByText('Hidden from clients')).toBeInTheDocument();
    expect(screen.queryByText(/Clients see/)).toBeNull();
  });
});
