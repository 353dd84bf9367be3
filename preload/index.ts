/**
 * The sandboxed preload (bundled to out/preload/index.cjs): exposes `window.switchboard`, a
 * SwitchboardBridge over the two contract channels, and nothing else. No Node, no ipcRenderer, no Electron
 * object ever reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT_CHANNEL, IPC_INVOKE_CHANNEL, type SwitchboardBridge } from './contract/index.ts';

type Listener = (payload: unknown) => void;
const listeners = new Map<string, Set<Listener>>();

// One IPC listener for every event; the page's listeners are kept here, never handed to ipcRenderer.
ipcRenderer.on(IPC_EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const listener of [...(listeners.get(name) ?? [])]) {
    try {
      listener(payload);
    } catch (error) {
      console.error('a Switchboard event listener failed', error);
    }
  }
});

const bridge: SwitchboardBridge = {
  invoke: (name, input) => ipcRenderer.invoke(IPC_INVOKE_CHANNEL, name, input),
  on(event, listener) {
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    const wrapped = listener as Listener;
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  },
};

contextBridge.exposeInMainWorld('switchboard', bridge);
