/**
 * How the renderer reaches the host. Two implementations with one interface: the Electron preload bridge and
 * the served console's WebSocket. Everything above this file is the same in both shells.
 *
 *   connecting --open--> connected --lost--> reconnecting --open--> connected
 *   connecting | reconnecting --attempt fails and the host refuses the token--> unauthorized
 *   unauthorized --the token is accepted again (checked now and then, or on "Check again")--> connected
 *
 * `reconnecting`: the host does not answer (stopped, restarting). `unauthorized`: the host answers but no longer
 * accepts this page's token (rotated, or another Gatehouse now serves this address): retrying cannot help, only
 * opening the console's URL with its token can.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting' | 'unauthorized';

export interface Transport {
  readonly kind: 'electron' | 'websocket';
  /** Resolves with the raw wire Result; the client validates it. */
  invoke(method: string, params: unknown): Promise<unknown>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
  readonly state: ConnectionState;
  /** When the connection was lost (epoch ms): what the page shows is from then. Null while connected or connecting. */
  readonly disconnectedAt: number | null;
  onDidChangeState(listener: (state: ConnectionState) => void): () => void;
  /** Try to connect now instead of waiting for the next attempt (no-op while connected). */
  retryNow(): void;
}

/** Whether `GET /api/session` accepts this page's token: valid (204), invalid (401), or no telling (unreachable, other). */
export type SessionCheck = 'valid' | 'invalid' | 'unknown';
