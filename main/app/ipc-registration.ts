import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL } from '../../preload/contract/index.ts';
import type { Result } from '../../preload/contract/errors.ts';
import type { ContractDispatcher } from '../ipc/dispatcher.ts';
import type { EventSink } from '../ipc/event-forwarding.ts';

/** The only ipcMain handler of the app: the contract's invoke channel, for frames of our own app only. */
export function registerContractIpc(options: {
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  dispatch: ContractDispatcher;
  /** True for a top-level frame showing our app (file:// renderer or the dev server). */
  isTrustedUrl(url: string): boolean;
}): () => void {
  options.ipcMain.handle(
    IPC_INVOKE_CHANNEL,
    async (
      event: Pick<IpcMainInvokeEvent, 'senderFrame'>,
      name: unknown,
      input: unknown,
    ): Promise<Result<unknown>> => {
      const frame = event.senderFrame;
      // A sub-frame or any page that is not ours (it could only get here through a navigation we missed).
      if (!frame || frame.parent !== null || !options.isTrustedUrl(frame.url)) {
        return { ok: false, error: { code: 'FORBIDDEN', message: 'This page may not use Switchboard' } };
      }
      if (typeof name !== 'string') {
        return { ok: false, error: { code: 'VALIDATION', message: 'command name must be a string' } };
      }
      return options.dispatch(name, input);
    },
  );
  return () => options.ipcMain.removeHandler(IPC_INVOKE_CHANNEL);
}

/** An event sink that sends contract events to a window's contents (when it exists and is alive). */
export function windowEventSink(
  contents: () => Pick<WebContents, 'send' | 'isDestroyed'> | undefined,
): EventSink {
  return (event, payload) => {
    const target = contents();
    if (target && !target.isDestroyed()) target.send(IPC_EVENT_CHANNEL, event, payload);
  };
}
