import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

/**
 * A minimal Docker Registry HTTP API v2 on 127.0.0.1 (ephemeral port) for pull tests: it serves images taken
 * from a `docker save` tarball as image manifests v2 schema 2 with gzipped layers, optionally behind Basic auth,
 * and records every request. Only what `docker pull` needs: `GET /v2/`, manifests and blobs (HEAD/GET). No push.
 * Engines treat registries on 127.0.0.0/8 as insecure by default, so plain HTTP on loopback is enough: the engine
 * first tries HTTPS (node:http answers the TLS hello with 400 and closes), then falls back to HTTP.
 */

export const MANIFEST_V2 = 'application/vnd.docker.distribution.manifest.v2+json';
export const IMAGE_CONFIG = 'application/vnd.docker.container.image.v1+json';
export const LAYER_TAR_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip';

export interface RegistryRequest {
  readonly method: string;
  readonly path: string;
  readonly kind: 'ping' | 'manifest' | 'blob' | 'other';
  readonly status: number;
  /** What the request carried: no Authorization, credentials that do not match, or the configured ones. */
  readonly credentials: 'none' | 'wrong' | 'valid';
}

export interface ServeImageOptions {
  /** The image in the tarball, as its RepoTags name it; the tarball's first image when omitted. */
  readonly source?: string;
  /** Repository and tag it is served as: `GET /v2/<name>/manifests/<tag>`. */
  readonly name: string;
  readonly tag: string;
  /**
   * Replace the image's labels. The config then differs from the source's, so the pulled image gets an id of its
   * own (pulls really download, removing it leaves the source alone) and can carry a test's cleanup label.
   */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface ServedImage {
  /** `127.0.0.1:<port>/<name>:<tag>` */
  readonly reference: string;
  readonly manifestDigest: string;
  /** = the image id the engine reports after the pull. */
  readonly configDigest: string;
  readonly layers: readonly { readonly digest: string; readonly size: number }[];
}

interface SavedEntry {
  readonly Config: string;
  readonly RepoTags: readonly string[] | null;
  readonly Layers: readonly string[];
}

const sha256 = (bytes: Buffer) => `sha256:${createHash('sha256').update(bytes).digest('hex')}`;

export class LoopbackRegistry {
  readonly requests: RegistryRequest[] = [];
  private readonly blobs = new Map<string, { bytes: Buffer; mediaType: string }>();
  /** `<name>:<tag>` and `<name>@<digest>` → manifest bytes. */
  private readonly manifests = new Map<string, Buffer>();
  /** Written into each gzip header's MTIME: layer digests differ from any earlier run's, so the engine downloads them. */
  private readonly gzipStamp = randomBytes(4);
  private readonly server = createServer((req, res) => this.handle(req, res));

  private constructor(private readonly auth: { readonly username: string; readonly password: string } | undefined) {}

  /** Starts a registry on 127.0.0.1; with `auth`, every request needs those Basic credentials. */
  static async start(options: { readonly auth?: { readonly username: string; readonly password: string } } = {}): Promise<LoopbackRegistry> {
    const registry = new LoopbackRegistry(options.auth);
    await new Promise<void>((resolve, reject) => {
      registry.server.once('error', reject);
      registry.server.listen(0, '127.0.0.1', () => resolve());
    });
    return registry;
  }

  /** `127.0.0.1:<port>`: the registry part of image references, and the `serveraddress` of credentials. */
  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Requests of one kind (and method), e.g. `count('blob', 'GET')`. */
  count(kind: RegistryRequest['kind'], method?: string): number {
    return this.requests.filter((r) => r.kind === kind && (method === undefined || r.method === method)).length;
  }

  /** Serves an image of a `docker save` tarball (read with the `tar` CLI into a temporary folder). */
  async serveFromTarball(tarball: string, options: ServeImageOptions): Promise<ServedImage> {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'gatehouse-registry-'));
    try {
      await promisify(execFile)('tar', ['-xf', tarball, '-C', dir]);
      const entries = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as SavedEntry[];
      const entry = options.source ? entries.find((e) => e.RepoTags?.includes(options.source ?? '')) : entries[0];
      if (!entry) throw new Error(`${tarball} has no image ${options.source ?? ''}`);
      const config = JSON.parse(await readFile(path.join(dir, entry.Config), 'utf8')) as { config?: { Labels?: Record<string, string> | null } };
      if (options.labels) config.config = { ...config.config, Labels: { ...options.labels } };
      const configBytes = Buffer.from(JSON.stringify(config));
      const layers = await Promise.all(entry.Layers.map(async (file) => this.addBlob(this.gzip(await readFile(path.join(dir, file))), LAYER_TAR_GZIP)));
      const configBlob = this.addBlob(configBytes, IMAGE_CONFIG);
      const manifest = Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST_V2, config: configBlob, layers: layers.map((l) => ({ mediaType: LAYER_TAR_GZIP, size: l.size, digest: l.digest })) }),
      );
      const manifestDigest = sha256(manifest);
      this.manifests.set(`${options.name}:${options.tag}`, manifest);
      this.manifests.set(`${options.name}@${manifestDigest}`, manifest);
      return { reference: `${this.host}/${options.name}:${options.tag}`, manifestDigest, configDigest: configBlob.digest, layers };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  /** Stops listening and drops open connections. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private gzip(bytes: Buffer): Buffer {
    const gz = gzipSync(bytes);
    this.gzipStamp.copy(gz, 4); // MTIME (header bytes 4–7) is covered by no checksum
    return gz;
  }

  private addBlob(bytes: Buffer, mediaType: string): { mediaType: string; size: number; digest: string } {
    const digest = sha256(bytes);
    this.blobs.set(digest, { bytes, mediaType });
    return { mediaType, size: bytes.length, digest };
  }

  private credentialsOf(req: IncomingMessage): RegistryRequest['credentials'] {
    const header = req.headers.authorization;
    if (!header) return 'none';
    if (!this.auth || !/^Basic /i.test(header)) return 'wrong';
    const [user, ...rest] = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8').split(':');
    return user === this.auth.username && rest.join(':') === this.auth.password ? 'valid' : 'wrong';
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://registry');
    const route = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
    const kind: RegistryRequest['kind'] = url.pathname === '/v2/' ? 'ping' : route?.[2] === 'manifests' ? 'manifest' : route ? 'blob' : 'other';
    const credentials = this.credentialsOf(req);
    const send = (status: number, headers: Record<string, string>, body: Buffer) => {
      this.requests.push({ method, path: url.pathname, kind, status, credentials });
      res.writeHead(status, { 'Docker-Distribution-API-Version': 'registry/2.0', 'Content-Length': String(body.length), ...headers });
      res.end(method === 'HEAD' ? undefined : body);
    };
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
      send(status, { 'Content-Type': 'application/json', ...headers }, Buffer.from(JSON.stringify({ errors: [{ code, message, detail: null }] })));

    if (this.auth && credentials !== 'valid') return error(401, 'UNAUTHORIZED', 'authentication required', { 'WWW-Authenticate': 'Basic realm="gatehouse"' });
    if (method !== 'GET' && method !== 'HEAD') return error(405, 'UNSUPPORTED', `${method} is not supported by this registry`);
    if (kind === 'ping') return send(200, { 'Content-Type': 'application/json' }, Buffer.from('{}'));
    if (!route) return error(404, 'NAME_UNKNOWN', `no route for ${url.pathname}`);
    const [, name = '', , ref = ''] = route;
    if (kind === 'manifest') {
      const manifest = this.manifests.get(ref.startsWith('sha256:') ? `${name}@${ref}` : `${name}:${ref}`);
      if (!manifest) return error(404, 'MANIFEST_UNKNOWN', `manifest unknown: ${name}:${ref}`);
      return send(200, { 'Content-Type': MANIFEST_V2, 'Docker-Content-Digest': sha256(manifest) }, manifest);
    }
    const blob = this.blobs.get(ref);
    if (!blob) return error(404, 'BLOB_UNKNOWN', `blob unknown: ${ref}`);
    const headers = { 'Content-Type': blob.mediaType, 'Docker-Content-Digest': ref, 'Accept-Ranges': 'bytes' };
    const range = /^bytes=(\d+)-(\d*)$/.exec(req.headers.range ?? '');
    if (!range) return send(200, headers, blob.bytes);
    const start = Number(range[1]);
    const end = range[2] ? Math.min(Number(range[2]), blob.bytes.length - 1) : blob.bytes.length - 1;
    if (start > end) return error(416, 'RANGE_INVALID', `range ${req.headers.range ?? ''} is not satisfiable`);
    send(206, { ...headers, 'Content-Range': `bytes ${start}-${end}/${blob.bytes.length}` }, blob.bytes.subarray(start, end + 1));
  }
}
