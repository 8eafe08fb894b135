import { joinCreateOptions } from '../manifest/create-options';
import { parseLenientJson } from '../manifest/lenient-json';
import { desiredOf, modulesContentOf } from './modules-content';

/**
 * createOptions that give a module more of the host than a module usually needs: privileged mode, the host's PID,
 * IPC or network namespace, host paths mounted read-write, broad capabilities. IoT Edge accepts them all; a
 * commissioning engineer should have decided each one on purpose.
 */
export interface RiskyOption {
  readonly module: string;
  /** The createOptions field, e.g. `HostConfig.Privileged`, `HostConfig.Binds[0]`. */
  readonly field: string;
  readonly words: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const BROAD_CAPS = new Set(['ALL', 'SYS_ADMIN', 'NET_ADMIN', 'SYS_PTRACE', 'SYS_MODULE', 'DAC_READ_SEARCH']);

/** The risky options of one module's parsed createOptions. */
export function riskyCreateOptions(module: string, createOptions: unknown): RiskyOption[] {
  if (!isObject(createOptions)) return [];
  const host = isObject(createOptions.HostConfig) ? createOptions.HostConfig : {};
  const found: RiskyOption[] = [];
  if (host.Privileged === true) found.push({ module, field: 'HostConfig.Privileged', words: 'runs privileged (every device and capability of the host)' });
  if (host.PidMode === 'host') found.push({ module, field: 'HostConfig.PidMode', words: "shares the host's process namespace" });
  if (host.IpcMode === 'host') found.push({ module, field: 'HostConfig.IpcMode', words: "shares the host's IPC namespace" });
  if (host.NetworkMode === 'host') found.push({ module, field: 'HostConfig.NetworkMode', words: "uses the host's network instead of the azure-iot-edge network" });
  if (Array.isArray(host.Binds)) {
    host.Binds.forEach((bind, i) => {
      if (typeof bind !== 'string') return;
      const [source = '', , mode = ''] = bind.split(':');
      const readOnly = mode.split(',').includes('ro');
      if (source.startsWith('/') && !readOnly) found.push({ module, field: `HostConfig.Binds[${i}]`, words: `mounts the host path ${source} read-write` });
    });
  }
  if (Array.isArray(host.Mounts)) {
    host.Mounts.forEach((mount, i) => {
      if (isObject(mount) && mount.Type === 'bind' && mount.ReadOnly !== true && typeof mount.Source === 'string') {
        found.push({ module, field: `HostConfig.Mounts[${i}]`, words: `mounts the host path ${mount.Source} read-write` });
      }
    });
  }
  if (Array.isArray(host.CapAdd)) {
    for (const cap of host.CapAdd) {
      const name = typeof cap === 'string' ? cap.toUpperCase().replace(/^CAP_/, '') : '';
      if (BROAD_CAPS.has(name)) found.push({ module, field: 'HostConfig.CapAdd', words: `adds the capability ${name}` });
    }
  }
  return found;
}

/** The risky options of every custom module of a deployment (parsed JSON). System modules are IoT Edge's own. */
export function riskyDeploymentOptions(document: unknown): RiskyOption[] {
  const agent = desiredOf(modulesContentOf(document)?.$edgeAgent);
  const modules = isObject(agent) && isObject(agent.modules) ? agent.modules : {};
  const found: RiskyOption[] = [];
  for (const [name, module] of Object.entries(modules)) {
    const settings = isObject(module) && isObject(module.settings) ? module.settings : undefined;
    if (!settings) continue;
    const parsed = parseLenientJson(joinCreateOptions(settings));
    if (parsed.ok) found.push(...riskyCreateOptions(name, parsed.value));
  }
  return found;
}
