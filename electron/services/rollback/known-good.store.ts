import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { DeploymentRecord } from '../../../shared/ipc/rollback.contract';
import type { SecretBox } from '../../runtime/secrets/secret-box';

const StoreFile = z.object({ auto: z.boolean().optional(), deployments: z.array(DeploymentRecord) });
type StoreFile = z.infer<typeof StoreFile>;

/**
 * The deployment history: `<data>/commissioning/deployments.json`, every applied deployment (oldest first) with its
 * manifest, SHA-256, images and verdict, and the automatic-rollback setting. The manifests can hold registry
 * passwords, so the file is sealed with the data folder's SecretBox (0600), as the agent's deployment is; a plain file
 * from an older console is read and sealed at its next write. Written atomically after every change; an unreadable
 * file starts an empty history (and is replaced at the next write).
 */
export class KnownGoodStore {
  private data: StoreFile | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly dataDir: string,
    private readonly secrets: SecretBox,
  ) {}

  get file(): string {
    return join(this.dataDir, 'commissioning', 'deployments.json');
  }

  async load(): Promise<readonly DeploymentRecord[]> {
    return (await this.read()).deployments;
  }

  async auto(): Promise<boolean | undefined> {
    return (await this.read()).auto;
  }

  async setAuto(auto: boolean): Promise<void> {
    const data = await this.read();
    data.auto = auto;
    await this.write();
  }

  async get(id: string): Promise<DeploymentRecord | undefined> {
    return (await this.read()).deployments.find((d) => d.id === id);
  }

  /** Adds a record, or replaces the one with the same id. */
  async put(record: DeploymentRecord): Promise<void> {
    const data = await this.read();
    const i = data.deployments.findIndex((d) => d.id === record.id);
    if (i >= 0) data.deployments[i] = record;
    else data.deployments.push(record);
    await this.write();
  }

  async update(id: string, change: (record: DeploymentRecord) => DeploymentRecord): Promise<DeploymentRecord | undefined> {
    const data = await this.read();
    const i = data.deployments.findIndex((d) => d.id === id);
    const found = data.deployments[i];
    if (!found) return undefined;
    const next = change(found);
    data.deployments[i] = next;
    await this.write();
    return next;
  }

  /** The newest good deployment, optionally other than the given manifest (by SHA-256). */
  async lastGood(exceptSha256?: string): Promise<DeploymentRecord | undefined> {
    const list = (await this.read()).deployments;
    return [...list].reverse().find((d) => d.verdict === 'good' && d.sha256 !== exceptSha256);
  }

  private async read(): Promise<StoreFile> {
    if (this.data) return this.data;
    try {
      const parsed = StoreFile.safeParse(JSON.parse((await this.secrets.readFile(this.file)) ?? ''));
      this.data = parsed.success ? parsed.data : { deployments: [] };
    } catch {
      this.data = { deployments: [] };
    }
    return this.data;
  }

  /** Serialised: each write takes the state at its turn, so the file never goes back to an older state. */
  private write(): Promise<void> {
    const next = this.writing.then(async () => {
      await mkdir(join(this.dataDir, 'commissioning'), { recursive: true, mode: 0o700 });
      await this.secrets.writeFile(this.file, `${JSON.stringify(this.data, null, 2)}\n`);
    });
    this.writing = next.catch(() => undefined);
    return next;
  }
}
