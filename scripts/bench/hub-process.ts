import { fork, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { parseProcCpuTicks, parseVmRss } from './hub-stats';

/**
 * The parent's side of `npm run bench:hub`: the hub runs alone in a child process (dist/bench-hub-child.mjs) so its
 * RSS is its own; messages over the IPC channel start, configure, query and stop it. RSS is read from outside
 * (/proc/<pid>/status), for the hub child and for mosquitto alike.
 */

/** What the parent tells the child when it forks it (argv[2], JSON). */
export interface HubChildConfig {
  readonly dataDir: string;
  /** The edge device id and the host name modules dial (the certificate's SAN and the SAS audience). */
  readonly deviceId: string;
  readonly hostName: string;
  /** The edge device's SAS primary key (the upstream knows the device under it). */
  readonly deviceKey: string;
  /** Module identities with their SAS primary keys. */
  readonly modules: readonly { moduleId: string; primaryKey: string }[];
  /** `$edgeHub` routes (name → route text). */
  readonly routes: Readonly<Record<string, string>>;
}

export type ParentToChild =
  | { readonly type: 'upstream'; readonly hostName: string; readonly port: number; readonly deviceKey: string; readonly caPem: string }
  | { readonly type: 'stats' }
  | { readonly type: 'stop' };

export type ChildToParent =
  | { readonly type: 'ready'; readonly port: number; readonly caPem: string; readonly parts: string }
  | { readonly type: 'upstream-set' }
  | ({ readonly type: 'stats' } & RunningHubStats)
  | { readonly type: 'failed'; readonly message: string };

export interface RunningHubStats {
  readonly endpoints: readonly { endpoint: string; depth: number; delivered: number }[];
  /** The upstream link's state, as a line. */
  readonly upstream: string;
  /** The child's process.memoryUsage(), to tell the JS heap from native memory in its RSS. */
  readonly memory?: { readonly heapUsed: number; readonly external: number; readonly arrayBuffers: number; readonly rss: number };
}

/** The hub as the child runs it. */
export interface RunningHub {
  readonly port: number;
  /** PEM the clients trust for the hub's server certificate. */
  readonly caPem: string;
  /** Which composition this is, printed with the figures. */
  readonly parts: string;
  setUpstream(upstream: Extract<ParentToChild, { type: 'upstream' }>): Promise<void>;
  stats(): RunningHubStats;
  close(): Promise<void>;
}

export interface HubChild {
  readonly pid: number;
  readonly port: number;
  readonly caPem: string;
  /** Which hub composition runs (EdgeHub, or the parts that exist). */
  readonly parts: string;
  request<T extends ChildToParent['type']>(message: ParentToChild, answer: T, timeoutMs?: number): Promise<Extract<ChildToParent, { type: T }>>;
  stop(): Promise<void>;
}

export async function forkHubChild(entry: string, config: HubChildConfig): Promise<HubChild> {
  // GATEHOUSE_BENCH_HUB_NODE_ARGS: extra node flags for the hub child only (e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`).
  const nodeArgs = process.env.GATEHOUSE_BENCH_HUB_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child: ChildProcess = fork(entry, [JSON.stringify(config)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [...process.execArgv, ...nodeArgs] });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const next = <T extends ChildToParent['type']>(type: T, timeoutMs: number): Promise<Extract<ChildToParent, { type: T }>> =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new Error(`the hub child did not answer '${type}' within ${timeoutMs} ms`)), timeoutMs);
      const onMessage = (message: ChildToParent) => {
        if (message.type === 'failed') done(new Error(`the hub child failed: ${message.message}`));
        else if (message.type === type) done(undefined, message as Extract<ChildToParent, { type: T }>);
      };
      const onExit = (code: number | null) => done(new Error(`the hub child exited (${code}) before answering '${type}'`));
      const done = (error: Error | undefined, value?: Extract<ChildToParent, { type: T }>) => {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        if (error) reject(error);
        else resolve(value as Extract<ChildToParent, { type: T }>);
      };
      child.on('message', onMessage);
      child.once('exit', onExit);
    });
  let ready: Extract<ChildToParent, { type: 'ready' }>;
  try {
    ready = await next('ready', 30_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    pid: child.pid as number,
    port: ready.port,
    caPem: ready.caPem,
    parts: ready.parts,
    request: (message, answer, timeoutMs = 60_000) => {
      const answered = next(answer, timeoutMs);
      child.send(message);
      return answered;
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.send({ type: 'stop' } satisfies ParentToChild);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** The resident set size of a process now, in bytes (Linux /proc); undefined when it cannot be read. */
export function rssOf(pid: number): number | undefined {
  try {
    return parseVmRss(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) a process has used so far, in ms (Linux /proc, 100 ticks a second); undefined when unreadable. */
export function cpuMsOf(pid: number): number | undefined {
  try {
    const ticks = parseProcCpuTicks(readFileSync(`/proc/${pid}/stat`, 'utf8'));
    return ticks === undefined ? undefined : ticks * 10;
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `everyMs` and keeps the largest. */
export class RssSampler {
  private peak = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly pid: number, everyMs = 100) {
    this.sample();
    this.timer = setInterval(() => this.sample(), everyMs);
  }

  private sample(): void {
    const rss = rssOf(this.pid);
    if (rss !== undefined && rss > this.peak) this.peak = rss;
  }

  /** Stops sampling; the peak in bytes. */
  stop(): number {
    clearInterval(this.timer);
    this.sample();
    return this.peak;
  }
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
