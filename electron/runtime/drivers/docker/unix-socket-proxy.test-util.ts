import net from 'node:net';
import { rm } from 'node:fs/promises';

/**
 * A byte-for-byte proxy from a unix socket to another (the real docker.sock), that tests start and stop to
 * make an engine "appear" and "go away" without touching the real one. Stopping closes every open
 * connection, as a dying engine would, and removes the socket file. `hang` makes it a hung engine: it keeps
 * every connection open and accepts new ones, but nothing goes through any more (until `stop`).
 */
export class UnixSocketProxy {
  private server: net.Server | undefined;
  private readonly sockets = new Set<net.Socket>();
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private hanging = false;

  constructor(
    readonly path: string,
    private readonly target: string,
  ) {}

  get running(): boolean {
    return this.server !== undefined;
  }

  async start(): Promise<void> {
    if (this.server) return;
    await rm(this.path, { force: true });
    this.hanging = false;
    const server = net.createServer((client) => {
      this.track(client);
      if (this.hanging) return; // accepted, never answered
      const upstream = net.connect(this.target);
      this.track(upstream);
      client.pipe(upstream);
      upstream.pipe(client);
      const pair = { client, upstream };
      this.pairs.add(pair);
      const close = () => {
        this.pairs.delete(pair);
        client.destroy();
        upstream.destroy();
      };
      client.on('error', close);
      upstream.on('error', close);
      client.on('close', close);
      upstream.on('close', close);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.path, () => resolve());
    });
    this.server = server;
  }

  hang(): void {
    this.hanging = true;
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    this.pairs.clear();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await rm(this.path, { force: true });
  }

  private track(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
  }
}
