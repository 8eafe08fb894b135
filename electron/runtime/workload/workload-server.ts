import { rmSync } from 'node:fs';
import { chmod, lstat, mkdir, unlink } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { appError, assertNever, err, ok, type AppError, type ErrorCode, type Result } from '../../../shared/errors';
import { toDisposable, type Disposable } from '../drivers/disposable';
import { isValidModuleId } from './identity-provider';
import { createWorkloadHandler, type WorkloadCaller, type WorkloadDeps, type WorkloadReply } from './workload-handler';

/**
 * The workload API over HTTP (node:http), on one unix socket per module, `<socketDir>/<module>/workload.sock`
 * (0666 so a container user of any uid can connect; the agent binds only that module's folder into its container,
 * at the IOTEDGE_WORKLOADURI folder). The socket identifies the caller: a module's socket acts for that module
 * only (`workload-handler.ts`).
 *
 * There is deliberately no TCP listener: with host networking every container shares the host's loopback, and a
 * TCP peer cannot be tied to a module, so any local process could sign as any module (issue 9).
 * Errors travel as `Result` and become `{message}` bodies with edgelet's statuses here, at the edge.
 */

export interface WorkloadServerOptions extends WorkloadDeps {
  /** Folder of per-module sockets, normally `<dataDir>/mnt`. Without it, `listenModule` fails. */
  readonly socketDir?: string;
}

/** Bodies are a few hundred bytes (sign: a base64 string to sign; certificate: a common name). */
const MAX_BODY_BYTES = 64 * 1024;
/** sun_path is 104 bytes on macOS and 108 on Linux, including the terminating NUL. */
const MAX_SOCKET_PATH = process.platform === 'darwin' ? 103 : 107;

/** edgelet's statuses: 400 for bad input and unknown methods, 403 forbidden, 404 not found, 500 otherwise. */
export function httpStatusOf(code: ErrorCode): number {
  switch (code) {
    case 'BAD_REQUEST':
    case 'UNKNOWN_METHOD':
    case 'INVALID_MANIFEST':
    case 'INVALID_ROUTE':
      return 400;
    case 'UNAUTHORIZED':
      return 403;
    case 'NOT_FOUND':
      return 404;
    case 'TIMEOUT':
      return 408;
    case 'CONFLICT':
      return 409;
    case 'UNSUPPORTED':
      return 501;
    case 'BAD_RESPONSE':
    case 'ENGINE_UNAVAILABLE':
    case 'IO':
    case 'DISCONNECTED':
    case 'INTERNAL':
      return 500;
    default:
      return assertNever(code, 'error code');
  }
}

/** A module socket: opening (no server yet) or listening. */
interface ModuleListener {
  readonly opened: Promise<Result<void>>;
  server?: Server;
}

/**
 * Each module's socket sits alone in its own folder, `<socketDir>/<module>/workload.sock`, and the folder is what
 * gets bound into the container: a socket re-created after Gatehouse restarts is then seen by modules that kept
 * running (a bind of the socket file itself would keep pointing at the old one).
 */
export const WORKLOAD_SOCKET_NAME = 'workload.sock';

export class WorkloadServer implements Disposable {
  private readonly modules = new Map<string, ModuleListener>();
  private disposed = false;

  private constructor(
    private readonly options: WorkloadServerOptions,
    private readonly handle: ReturnType<typeof createWorkloadHandler>,
  ) {}

  /** Opens nothing yet: each module's socket is opened by `listenModule` / `syncModules`. */
  static async start(options: WorkloadServerOptions): Promise<Result<WorkloadServer>> {
    return ok(new WorkloadServer(options, createWorkloadHandler(options)));
  }

  /** Host path of a module's socket (whether or not it is listening). */
  socketPath(moduleId: string): string | undefined {
    return this.options.socketDir === undefined ? undefined : join(this.options.socketDir, moduleId, WORKLOAD_SOCKET_NAME);
  }

  /** Listens on the module's socket (idempotent). Disposing the result closes it and removes the file. */
  async listenModule(moduleId: string): Promise<Result<Disposable>> {
    if (this.disposed) return err(appError('CONFLICT', 'the workload server is disposed'));
    const path = this.socketPath(moduleId);
    if (path === undefined) return err(appError('BAD_REQUEST', 'the workload server has no socket folder'));
    if (!isValidModuleId(moduleId)) return err(appError('BAD_REQUEST', `"${moduleId}" is not a valid module id`));
    if (process.platform === 'win32') return err(appError('IO', 'per-module workload sockets need unix sockets, which this platform does not offer to containers'));
    if (Buffer.byteLength(path) > MAX_SOCKET_PATH) return err(appError('IO', `socket path too long for a unix socket (${Buffer.byteLength(path)} > ${MAX_SOCKET_PATH} bytes): ${path}`));
    let listener = this.modules.get(moduleId);
    if (!listener) {
      // Deferred one tick so that `entry` exists (and is in the map) before openSocket compares against it.
      const entry: ModuleListener = { opened: Promise.resolve().then(() => this.openSocket(moduleId, path, entry)) };
      this.modules.set(moduleId, (listener = entry));
    }
    const opened = await listener.opened;
    if (!opened.ok) {
      if (this.modules.get(moduleId) === listener) this.modules.delete(moduleId);
      return opened;
    }
    const owned = listener;
    return ok(
      toDisposable(() => {
        if (this.modules.get(moduleId) === owned) this.closeModule(moduleId);
      }),
    );
  }

  /** Makes the listening sockets exactly `moduleIds`. Reports the first failure, after trying them all. */
  async syncModules(moduleIds: readonly string[]): Promise<Result<void>> {
    const wanted = new Set(moduleIds);
    for (const id of [...this.modules.keys()]) if (!wanted.has(id)) this.closeModule(id);
    const results = await Promise.all([...wanted].map((id) => this.listenModule(id)));
    const failed = results.find((r): r is { ok: false; error: AppError } => !r.ok);
    return failed ?? ok(undefined);
  }

  /** Module ids with an open (or opening) socket. */
  listeningModules(): string[] {
    return [...this.modules.keys()].sort();
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const id of [...this.modules.keys()]) this.closeModule(id);
  }

  private async openSocket(moduleId: string, path: string, entry: ModuleListener): Promise<Result<void>> {
    try {
      await mkdir(dirname(path), { recursive: true, mode: 0o755 });
      const existing = await lstat(path).catch(() => undefined);
      if (existing && !existing.isSocket()) return err(appError('CONFLICT', `${path} exists and is not a socket`));
      if (existing) await unlink(path); // stale socket from a previous run
    } catch (cause) {
      return err(appError('IO', `cannot prepare ${path}: ${String(cause)}`));
    }
    const server = serve(this.handle, { kind: 'module-socket', moduleId });
    const listening = await listen(server, { path });
    if (!listening.ok) return listening;
    try {
      await chmod(path, 0o666);
    } catch (cause) {
      shutdown(server, path);
      return err(appError('IO', `cannot chmod ${path}: ${String(cause)}`));
    }
    // Disposed (or closed) while opening: do not leave a listener nobody owns.
    if (this.disposed || this.modules.get(moduleId) !== entry) {
      shutdown(server, path);
      return err(appError('CONFLICT', `the socket for ${moduleId} was closed while opening`));
    }
    entry.server = server;
    return ok(undefined);
  }

  /** Synchronous when listening; a socket still opening shuts itself down when it sees it was dropped. */
  private closeModule(moduleId: string): void {
    const listener = this.modules.get(moduleId);
    if (!listener) return;
    this.modules.delete(moduleId);
    if (listener.server) shutdown(listener.server, this.socketPath(moduleId));
  }
}

/** A server whose every request is made on behalf of `caller`: the module whose socket it listens on. */
function serve(handle: ReturnType<typeof createWorkloadHandler>, caller: WorkloadCaller): Server {
  const server = createServer((req, res) => {
    void respond(handle, caller, req, res);
  });
  server.requestTimeout = 10_000;
  server.headersTimeout = 10_000;
  return server;
}

async function respond(handle: ReturnType<typeof createWorkloadHandler>, caller: WorkloadCaller, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let reply: Result<WorkloadReply>;
  try {
    const body = await readBody(req);
    reply = body.ok
      ? await handle({ method: req.method ?? 'GET', url: req.url ?? '/', contentType: req.headers['content-type'], body: body.value, caller })
      : body;
  } catch (cause) {
    reply = err(appError('INTERNAL', String(cause)));
  }
  const [status, payload] = reply.ok ? [reply.value.status, reply.value.body] : [httpStatusOf(reply.error.code), { message: reply.error.message }];
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<Result<Buffer>> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > MAX_BODY_BYTES ? err(appError('BAD_REQUEST', 'request body too large')) : ok(Buffer.concat(chunks))));
    req.on('error', (cause) => resolve(err(appError('IO', `cannot read the request: ${String(cause)}`))));
  });
}

function listen(server: Server, target: { path: string }): Promise<Result<void>> {
  return new Promise((resolve) => {
    const onError = (cause: Error) => resolve(err(appError('IO', `workload API cannot listen on ${JSON.stringify(target)}: ${cause.message}`)));
    server.once('error', onError);
    server.listen(target, () => {
      server.off('error', onError);
      resolve(ok(undefined));
    });
  });
}

/** Stops accepting, drops idle and open connections, removes the socket file. Synchronous, so a new listener on the same path cannot be unlinked by mistake. */
function shutdown(server: Server, socketPath?: string): void {
  server.close();
  server.closeAllConnections();
  if (socketPath) rmSync(socketPath, { force: true });
}
