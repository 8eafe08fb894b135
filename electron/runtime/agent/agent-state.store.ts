import { randomUUID } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from '../atomic-file';
import { SecretBox } from '../secrets/secret-box';
import type { AgentMemory } from './model';

/**
 * The agent's persisted state in `<dataDir>/runtime/`: the accepted deployment (exactly as applied, so a
 * restarted agent reconciles towards the same target), the restart statistics and how the last pass ended.
 * Written atomically.
 */
const Persisted = z.object({
  version: z.number().int().nonnegative(),
  appliedAt: z.string(),
  /** The deployment document as applied (JSON text). */
  deployment: z.string(),
  /** The desired state the previous plan was made for, to tell a status-only change. */
  previousDeployment: z.string().optional(),
  /** Applied although a real IoT Edge runtime shared the engine (the user's explicit override). */
  overrideForeignRuntime: z.boolean().optional(),
  /** Applied from the cloud: the `$edgeAgent` desired `$version` it was built from. */
  cloudVersion: z.number().int().nonnegative().optional(),
  /** A local apply that overrode the cloud's deployment of this `$edgeAgent` desired `$version`. */
  overridesCloudVersion: z.number().int().nonnegative().optional(),
});
export type PersistedDeployment = z.infer<typeof Persisted>;

/** This data folder's Gatehouse instance: generated once, the value of the ownership label on its containers. */
const Instance = z.object({ id: z.string().min(1), createdAt: z.string() });
export type InstanceInfo = z.infer<typeof Instance>;

/**
 * How the agent's last finished reconcile pass ended: which deployment version, and its `lastDesiredStatus`. A
 * restarted console reads it so that a deployment applied before the restart is not "applying" again for a pass.
 */
const LastPass = z.object({ version: z.number().int().nonnegative(), code: z.number().int(), description: z.string() });
export type LastPass = z.infer<typeof LastPass>;

const Memory = z.record(z.string(), z.object({ restartCount: z.number().int().nonnegative(), lastRestartTime: z.string().optional() }));

export class AgentStateStore {
  private readonly dir: string;

  /** The deployment can hold registry passwords, so it is sealed; restart statistics are not secret. */
  constructor(
    dataDir: string,
    private readonly secrets: SecretBox = new SecretBox(dataDir),
  ) {
    this.dir = join(dataDir, 'runtime');
  }

  async loadDeployment(): Promise<PersistedDeployment | undefined> {
    const text = await this.secrets.readFile(join(this.dir, 'deployment.json'));
    return text === undefined ? undefined : this.parse('deployment.json', text, Persisted);
  }

  async saveDeployment(value: PersistedDeployment): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await this.secrets.writeFile(join(this.dir, 'deployment.json'), `${JSON.stringify(value)}\n`);
  }

  /** `<dataDir>/runtime/instance.json`, created with a random id the first time. */
  async loadOrCreateInstance(now: () => number = Date.now): Promise<InstanceInfo> {
    const existing = await this.read('instance.json', Instance);
    if (existing) return existing;
    const created: InstanceInfo = { id: randomUUID(), createdAt: new Date(now()).toISOString() };
    await this.write('instance.json', created);
    return created;
  }

  async loadMemory(): Promise<AgentMemory> {
    const memory = await this.read('restarts.json', Memory);
    return Object.fromEntries(Object.entries(memory ?? {}).map(([k, v]) => [k, { restartCount: v.restartCount, lastRestartTime: v.lastRestartTime }]));
  }

  async saveMemory(memory: AgentMemory): Promise<void> {
    await this.write('restarts.json', memory);
  }

  async loadLastPass(): Promise<LastPass | undefined> {
    return this.read('last-pass.json', LastPass);
  }

  async saveLastPass(value: LastPass): Promise<void> {
    await this.write('last-pass.json', value);
  }

  private async read<T>(file: string, schema: z.ZodType<T>): Promise<T | undefined> {
    let text: string;
    try {
      text = await readFile(join(this.dir, file), 'utf8');
    } catch {
      return undefined;
    }
    return this.parse(file, text, schema);
  }

  private parse<T>(file: string, text: string, schema: z.ZodType<T>): T {
    const parsed = schema.safeParse(JSON.parse(text));
    if (!parsed.success) throw new Error(`${join(this.dir, file)} is corrupt: ${parsed.error.issues[0]?.message}`);
    return parsed.data;
  }

  private async write(file: string, value: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(join(this.dir, file), `${JSON.stringify(value, null, 2)}\n`);
  }
}
