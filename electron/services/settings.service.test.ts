import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventBus } from '../host/event-bus';
import { SettingsService } from './settings.service';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
function dataDir() {
  const d = mkdtempSync(join(tmpdir(), 'gh-settings-'));
  dirs.push(d);
  return d;
}

describe('SettingsService', () => {
  it('starts from defaults and persists changes privately across instances', async () => {
    const dir = dataDir();
    const first = new SettingsService(dir, new EventBus());
    expect(await first.get()).toEqual({ theme: 'system', recentFolders: [] });
    expect(await first.update({ theme: 'dark' })).toEqual({ ok: true, value: { theme: 'dark', recentFolders: [] } });
    expect(statSync(join(dir, 'settings.json')).mode & 0o777).toBe(0o600);
    expect(await new SettingsService(dir, new EventBus()).get()).toMatchObject({ theme: 'dark' });
  });

  it('announces every change on the event bus', async () => {
    const bus = new EventBus();
    const listener = vi.fn();
    bus.listen(listener);
    await new SettingsService(dataDir(), bus).update({ theme: 'light' });
    expect(listener).toHaveBeenCalledWith('app.settingsChanged', { theme: 'light', recentFolders: [] });
  });

  it('refuses invalid settings and keeps the file as it was', async () => {
    const dir = dataDir();
    const service = new SettingsService(dir, new EventBus());
    await service.update({ theme: 'dark' });
    const result = await service.update({ theme: 'neon' as never });
    expect(result).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(JSON.parse(readFileSync(join(dir, 'settings.json'), 'utf8'))).toMatchObject({ theme: 'dark' });
  });

  it('falls back to defaults when the file is corrupt', async () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'settings.json'), '{ not json');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await new SettingsService(dir, new EventBus()).get()).toEqual({ theme: 'system', recentFolders: [] });
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('settings.json is not valid'));
    warn.mockRestore();
  });
});
