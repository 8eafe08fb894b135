import { fail, type Result } from '../../shared/errors';
import type { Contract, ContractClient } from '../../shared/ipc';
import type { WebSocket } from 'ws';
import { WireResult } from '../../shared/ipc/wire';
import { resolveDataDir } from '../host/data-dir';
import { createHost, type Host } from '../host/host';
import { hostRequest, readDiscovery } from './host-http';

/**
 * How a CLI command reaches the services: the running host of the same data folder when there is one
 * (`gatehouse serve` or the app, found through `serve.json`), otherwise a host built in this process.
 */
export interface HostConnection {
  readonly mode: 'remote' | 'in-process';
  invoke(method: string, params: unknown): Promise<Result<unknown>>;
  /** Contract events (e.g. log lines); resolves once the subscription is live. */
  subscribe(event: string, listener: (payload: unknown) => void): Promise<() => void>;
  /** In-process only: wait until the agent has nothing in flight. */
  settle(): Promise<void>;
  close(): void;
}

export async function connectHost(env: NodeJS.ProcessEnv): Promise<HostConnection> {
  const dataDir = resolveDataDir(env);
  const remote = await findRunningHost(dataDir);
  if (remote) return remote;
  let host: Host;
  try {
    // A command's own host lives for one command: it serves no local hub (its ports belong to a console).
    host = createHost({ dataDir, shell: 'served', env, log: () => undefined, localHub: false, edgeHub: false });
  } catch (error) {
    // Another Gatehouse holds the data folder but did not answer through serve.json.
    return unreachable((error as Error).message);
  }
  await host.ready;
  return {
    mode: 'in-process',
    invoke: (m, p) => host.dispatcher.invoke(m, p),
    subscribe: async (event, listener) => {
      const subscription = host.events.listen((name, payload) => name === event && listener(payload));
      return () => subscription.dispose();
    },
    settle: () => host.agent.settled(),
    close: () => host.dispose(),
  };
}

async function findRunningHost(dataDir: string): Promise<HostConnection | undefined> {
  const discovery = await readDiscovery(dataDir);
  if (!discovery) return undefined;
  const invoke = async (method: string, params: unknown): Promise<Result<unknown>> => {
    try {
      const response = await hostRequest(discovery, '/api/rpc', 'POST', JSON.stringify({ method, params }));
      if (response.status !== 200) return fail('UNAUTHORIZED', `The running host refused the call (${response.status})`);
      const parsed = WireResult.safeParse(JSON.parse(response.body));
      return parsed.success ? (parsed.data as Result<unknown>) : fail('BAD_RESPONSE', 'The running host answered with an invalid result');
    } catch (cause) {
      return fail('DISCONNECTED', `The running host at ${discovery.origin} did not answer: ${(cause as Error).message}`);
    }
  };
  const probe = await invoke('app.getInfo', {});
  if (!probe.ok) return undefined;
  let socket: WebSocket | undefined;
  let opened: Promise<WebSocket> | undefined;
  let closed = false;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  // Only a command that follows events of a running console needs ws: imported then, not when the CLI loads.
  const open = async (): Promise<WebSocket> => {
    const { WebSocket } = await import('ws');
    if (closed) throw new Error('the connection to the running host was closed');
    const ws = new WebSocket(`${discovery.origin.replace(/^http/, 'ws')}/ws`, {
      headers: { authorization: `Bearer ${discovery.token}`, origin: discovery.origin },
      ...(discovery.ca ? { ca: discovery.ca } : {}),
    });
    socket = ws;
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as { t: string; event?: string; payload?: unknown };
      if (frame.t === 'event' && frame.event) for (const l of listeners.get(frame.event) ?? []) l(frame.payload);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return ws;
  };
  const subscribe = async (event: string, listener: (payload: unknown) => void) => {
    const ws = await (opened ??= open());
    if (!listeners.has(event)) {
      listeners.set(event, new Set());
      ws.send(JSON.stringify({ t: 'sub', event }));
    }
    listeners.get(event)?.add(listener);
    return () => listeners.get(event)?.delete(listener);
  };
  const close = () => {
    closed = true;
    socket?.close();
  };
  return { mode: 'remote', invoke, subscribe, settle: async () => undefined, close };
}

function unreachable(message: string): HostConnection {
  return {
    mode: 'remote',
    invoke: async () => fail('CONFLICT', message),
    subscribe: async () => () => undefined,
    settle: async () => undefined,
    close: () => undefined,
  };
}

/** A typed client of one contract over a connection (same shape the renderer uses). */
export function contractClient<C extends Contract>(contract: C, connection: HostConnection): ContractClient<C> {
  const client: Record<string, (input: unknown) => Promise<Result<unknown>>> = {};
  for (const name of Object.keys(contract.methods)) {
    client[name] = (input) => connection.invoke(`${contract.name}.${name}`, input);
  }
  return client as unknown as ContractClient<C>;
}
