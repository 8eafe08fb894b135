import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { allEventNames, allMethodNames } from '../../shared/ipc';
import { BRIDGE_KEY, CHANNELS, type GatehouseBridge } from '../../shared/ipc/bridge';

/**
 * The only thing the page gets: one allow-listed invoke/subscribe bridge. No ipcRenderer, no Node.
 * Main checks the sender frame and the payload again; this list keeps typos and probes from even leaving the page.
 */
const methods = new Set(allMethodNames());
const events = new Set(allEventNames());

const bridge: GatehouseBridge = {
  invoke(method, params) {
    if (typeof method !== 'string' || !methods.has(method)) {
      return Promise.resolve({ ok: false, error: { code: 'UNKNOWN_METHOD', message: `No method named "${String(method)}"` } });
    }
    return ipcRenderer.invoke(CHANNELS.invoke, method, params);
  },
  subscribe(event, listener) {
    if (typeof event !== 'string' || !events.has(event)) throw new Error(`No event named "${String(event)}"`);
    const handler = (_e: IpcRendererEvent, name: unknown, payload: unknown) => {
      if (name === event) listener(payload);
    };
    ipcRenderer.on(CHANNELS.event, handler);
    ipcRenderer.send(CHANNELS.subscribe, event);
    return () => {
      ipcRenderer.off(CHANNELS.event, handler);
      ipcRenderer.send(CHANNELS.unsubscribe, event);
    };
  },
};

contextBridge.exposeInMainWorld(BRIDGE_KEY, bridge);
