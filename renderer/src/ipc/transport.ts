/**
 * How the renderer reaches the host. Two implementations with one interface: the Electron preload bridge and
 * the served console's WebSocket. Everything above this file is the same in both shells.
 */
export type ConnectionState = 'connecting' | 'connected' | 'reconnecting';

export interface Transport {
  readonly kind: 'electron' | 'websocket';
  /** Resolves with the raw wire Result; the client validates it. */
  invoke(method: string, params: unknown): Promise<unknown>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
  readonly state: ConnectionState;
  onDidChangeState(listener: (state: ConnectionState) => void): () => void;
}
