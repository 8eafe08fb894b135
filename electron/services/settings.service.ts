import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ok, fail, type Result } from '../../shared/errors';
import { appContract, DEFAULT_SETTINGS, Settings } from '../../shared/ipc/app.contract';
import { writeFileAtomic } from '../runtime/atomic-file';
import type { EventBus } from '../host/event-bus';

/** User settings, persisted as `settings.json` in the data folder and validated whenever read or written. */
export class SettingsService {
  private current: Settings | undefined;
  private readonly file: string;

  constructor(
    dataDir: string,
    private readonly events: EventBus,
  ) {
    this.file = join(dataDir, 'settings.json');
  }

  async get(): Promise<Settings> {
    if (!this.current) this.current = await this.load();
    return this.current;
  }

  async update(patch: Partial<Settings>): Promise<Result<Settings>> {
    const next = Settings.safeParse({ ...(await this.get()), ...patch });
    if (!next.success) return fail('BAD_REQUEST', 'Invalid settings', { issues: next.error.issues });
    try {
      await writeFileAtomic(this.file, `${JSON.stringify(next.data, null, 2)}\n`);
    } catch (cause) {
      return fail('IO', `Could not save settings to ${this.file}: ${(cause as Error).message}`);
    }
    this.current = next.data;
    this.events.emit(appContract, 'settingsChanged', next.data);
    return ok(next.data);
  }

  private async load(): Promise<Settings> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch {
      return DEFAULT_SETTINGS;
    }
    try {
      const parsed = Settings.safeParse({ ...DEFAULT_SETTINGS, ...JSON.parse(text) });
      if (parsed.success) return parsed.data;
    } catch {
      /* fall through: a corrupt settings file is replaced by defaults on the next save */
    }
    console.warn(`gatehouse: ${this.file} is not valid; using default settings`);
    return DEFAULT_SETTINGS;
  }
}
