import { arch, platform } from 'node:os';
import { ok } from '../../shared/errors';
import { appContract, statusContract } from '../../shared/ipc';
import type { AppInfo } from '../../shared/ipc/app.contract';
import { DockerEngineProbe, type EngineProbe } from '../services/engine-probe';
import { SettingsService } from '../services/settings.service';
import { StatusService } from '../services/status.service';
import { Dispatcher } from './dispatcher';
import { EventBus, type Disposable } from './event-bus';
import { GATEHOUSE_VERSION, packageVersion } from './version';

export interface HostOptions {
  readonly dataDir: string;
  readonly shell: AppInfo['shell'];
  /** Versions the shell knows (Electron, Chromium) added to the component list. */
  readonly shellComponents?: readonly { name: string; version: string }[];
  readonly engineProbe?: EngineProbe;
}

export interface Host extends Disposable {
  readonly dataDir: string;
  readonly dispatcher: Dispatcher;
  readonly events: EventBus;
}

/**
 * The composition root: every service is built once, here, and registered against its contract.
 * Electron's main process and `gatehouse serve` both call this; only the transport in front differs.
 */
export function createHost(options: HostOptions): Host {
  const events = new EventBus();
  const dispatcher = new Dispatcher();
  const settings = new SettingsService(options.dataDir, events);
  const status = new StatusService(options.engineProbe ?? new DockerEngineProbe(), events).start();

  const info: AppInfo = {
    name: 'Gatehouse',
    version: GATEHOUSE_VERSION,
    shell: options.shell,
    dataDir: options.dataDir,
    platform: platform(),
    arch: arch(),
    components: [
      { name: 'Gatehouse', version: GATEHOUSE_VERSION },
      ...(options.shellComponents ?? []),
      { name: 'Node.js', version: process.versions.node },
      { name: 'V8', version: process.versions.v8 },
      ...['dockerode', 'ws', 'zod'].flatMap((name) => {
        const version = packageVersion(name);
        return version ? [{ name, version }] : [];
      }),
    ],
  };

  dispatcher.register(appContract, {
    getInfo: async () => {
      const engine = status.get().engine;
      const engineComponent = engine.state === 'available' ? [{ name: `${engine.name} (API ${engine.apiVersion})`, version: engine.version }] : [];
      return ok({ ...info, components: [...info.components, ...engineComponent] });
    },
    getSettings: async () => ok(await settings.get()),
    updateSettings: async (patch) => settings.update(patch),
  });
  dispatcher.register(statusContract, {
    get: async () => ok(status.get()),
    refresh: async () => ok(await status.refresh()),
  });

  return {
    dataDir: options.dataDir,
    dispatcher,
    events,
    dispose: () => status.dispose(),
  };
}
