import { app, BrowserWindow, dialog, ipcMain, protocol, safeStorage, session, shell, type IpcMainEvent, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { join } from 'node:path';
import { appError } from '../../shared/errors';
import { resolveEvent } from '../../shared/ipc';
import { CHANNELS } from '../../shared/ipc/bridge';
import { resolveDataDir } from '../host/data-dir';
import { createHost, type Host } from '../host/host';
import { installLastResortGuard } from '../host/last-resort';
import { rendererDir } from '../host/paths';
import { serveConsole, type ServedConsole } from '../host/serve';
import { appProtocolHandler, APP_ORIGIN, APP_SCHEME } from './app-protocol';

/**
 * Electron's main process, kept thin: window, protocol, and the IPC bridge to the same host `gatehouse serve` uses.
 */
app.enableSandbox();
// The app also serves the CLI's loopback endpoint: an error escaping a handler is logged, never fatal.
installLastResortGuard((line) => console.error(line));
protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

let host: Host | undefined;
let served: ServedConsole | undefined;
const subscriptions = new Map<WebContents, Set<string>>();

function trustedSender(event: IpcMainEvent | IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return frame !== null && frame === event.sender.mainFrame && new URL(frame.url).origin === APP_ORIGIN;
}

function registerIpc(h: Host): void {
  ipcMain.handle(CHANNELS.invoke, async (event, method: unknown, params: unknown) => {
    if (!trustedSender(event)) return { ok: false, error: appError('UNAUTHORIZED', 'IPC from an untrusted frame') };
    if (typeof method !== 'string') return { ok: false, error: appError('BAD_REQUEST', 'method must be a string') };
    return h.dispatcher.invoke(method, params);
  });
  ipcMain.on(CHANNELS.subscribe, (event, name: unknown) => {
    if (!trustedSender(event) || typeof name !== 'string' || !resolveEvent(name)) return;
    const set = subscriptions.get(event.sender) ?? new Set<string>();
    set.add(name);
    if (!subscriptions.has(event.sender)) {
      subscriptions.set(event.sender, set);
      event.sender.once('destroyed', () => subscriptions.delete(event.sender));
    }
  });
  ipcMain.on(CHANNELS.unsubscribe, (event, name: unknown) => {
    if (typeof name === 'string') subscriptions.get(event.sender)?.delete(name);
  });
  h.events.listen((name, payload) => {
    for (const [contents, set] of subscriptions) if (set.has(name) && !contents.isDestroyed()) contents.send(CHANNELS.event, name, payload);
  });
}

function createWindow(): void {
  const win = new BrowserWindow({
    width: 1280,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'Gatehouse',
    show: false,
    backgroundColor: '#1f1f1f',
    webPreferences: {
      preload: join(__dirname, 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (new URL(url).origin !== APP_ORIGIN) event.preventDefault();
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  // The page objects to unloading while an editor has unsaved edits: ask, as the browser would.
  win.webContents.on('will-prevent-unload', (event) => {
    const choice = dialog.showMessageBoxSync(win, {
      type: 'question',
      buttons: ['Leave', 'Stay'],
      defaultId: 1,
      cancelId: 1,
      title: 'Unsaved changes',
      message: 'An editor has unsaved changes.',
      detail: 'They are kept as drafts and come back when you open the file again.',
    });
    if (choice === 0) event.preventDefault();
  });
  void win.loadURL(`${APP_ORIGIN}/`);
}

function startHost(dataDir: string): Host {
  return createHost({
    dataDir,
    shell: 'electron',
    // The master key of secrets at rest lives in the OS keychain when Electron can reach one.
    keyProtector: safeStorage.isEncryptionAvailable()
      ? { name: 'safeStorage', encrypt: (b) => safeStorage.encryptString(b.toString('base64')), decrypt: (b) => Buffer.from(safeStorage.decryptString(b), 'base64') }
      : undefined,
    pickFolder: async (title) => {
      const parent = BrowserWindow.getFocusedWindow();
      const options = { title: title ?? 'Open a solution folder', properties: ['openDirectory' as const, 'createDirectory' as const] };
      const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
      return result.canceled ? undefined : result.filePaths[0];
    },
    shellComponents: [
      { name: 'Electron', version: process.versions.electron ?? 'unknown' },
      { name: 'Chromium', version: process.versions.chrome ?? 'unknown' },
    ],
  });
}

void app.whenReady().then(async () => {
  try {
    host = startHost(resolveDataDir(process.env, app.getPath('userData')));
  } catch (error) {
    // e.g. another Gatehouse already runs on this data folder.
    dialog.showErrorBox('Gatehouse cannot start', (error as Error).message);
    app.quit();
    return;
  }
  // The CLI of the same data folder reaches this app through a token-protected loopback endpoint (serve.json).
  served = await serveConsole({ host, rendererDir: rendererDir(), port: 0, log: () => undefined });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
  protocol.handle(APP_SCHEME, appProtocolHandler(rendererDir()));
  registerIpc(host);
  createWindow();
  app.on('activate', () => BrowserWindow.getAllWindows().length === 0 && createWindow());
});

app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit();
});
app.on('will-quit', () => {
  served?.dispose();
  host?.dispose();
});
