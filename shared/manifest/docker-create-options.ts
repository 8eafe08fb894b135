/**
 * The shape of Docker's ContainerCreate body as edgeAgent deserializes it (Docker.DotNet
 * `CreateContainerParameters` via Newtonsoft): names match case-insensitively, unknown names are
 * ignored, primitives convert, but an array where an object is expected (or the reverse) cannot be
 * read and the deployment fails (code 400); an empty string reads as null. Names match case-insensitively
 * (in Newtonsoft and in Docker's Go decoder alike), so case is not reported.
 */
import { isObject } from './newtonsoft-compat.js';

type Kind = 'array' | 'object' | 'scalar' | 'any';

interface FieldSpec {
  readonly kind: Kind;
  /** For arrays: the kind of each item; for objects used as maps: the kind of each value. */
  readonly item?: Kind;
  readonly fields?: Readonly<Record<string, FieldSpec>>;
}

const A: FieldSpec = { kind: 'array' };
const AO: FieldSpec = { kind: 'array', item: 'object' };
const AS: FieldSpec = { kind: 'array', item: 'scalar' };
const O: FieldSpec = { kind: 'object' };
const S: FieldSpec = { kind: 'scalar' };

const HOST_CONFIG: Readonly<Record<string, FieldSpec>> = {
  Binds: AS, ContainerIDFile: S, LogConfig: { kind: 'object', fields: { Type: S, Config: O } }, NetworkMode: S,
  PortBindings: { kind: 'object', item: 'array' }, RestartPolicy: O, AutoRemove: S, VolumeDriver: S, VolumesFrom: AS,
  CapAdd: AS, CapDrop: AS, CgroupnsMode: S, Dns: AS, DnsOptions: AS, DnsSearch: AS, ExtraHosts: AS, GroupAdd: AS, IpcMode: S, Cgroup: S, Links: AS, OomScoreAdj: S, PidMode: S, Privileged: S,
  PublishAllPorts: S, ReadonlyRootfs: S, SecurityOpt: AS, StorageOpt: O, Tmpfs: O, UTSMode: S, UsernsMode: S, ShmSize: S,
  Sysctls: O, Runtime: S, ConsoleSize: A, Isolation: S, CpuShares: S, Memory: S, NanoCpus: S, CgroupParent: S, BlkioWeight: S, BlkioWeightDevice: AO, BlkioDeviceReadBps: AO, BlkioDeviceWriteBps: AO,
  BlkioDeviceReadIOps: AO, BlkioDeviceWriteIOps: AO, CpuPeriod: S, CpuQuota: S, CpuRealtimePeriod: S, CpuRealtimeRuntime: S, CpusetCpus: S,
  CpusetMems: S, Devices: AO, DeviceCgroupRules: AS, DeviceRequests: AO, KernelMemory: S, KernelMemoryTCP: S,
  MemoryReservation: S, MemorySwap: S, MemorySwappiness: S, OomKillDisable: S, PidsLimit: S, Ulimits: AO, CpuCount: S,
  CpuPercent: S, IOMaximumIOps: S, IOMaximumBandwidth: S, Mounts: AO, MaskedPaths: AS,
  ReadonlyPaths: AS, Init: S, DiskQuota: S,
};

const CONTAINER_CREATE: Readonly<Record<string, FieldSpec>> = {
  Hostname: S, Domainname: S, User: S, AttachStdin: S, AttachStdout: S, AttachStderr: S,
  ExposedPorts: { kind: 'object', item: 'object' }, Tty: S, OpenStdin: S, StdinOnce: S, Env: AS, Cmd: AS,
  Healthcheck: O, ArgsEscaped: S, Image: S, Volumes: { kind: 'object', item: 'object' }, WorkingDir: S, Entrypoint: AS,
  NetworkDisabled: S, MacAddress: S, OnBuild: AS, Labels: { kind: 'object', item: 'scalar' }, StopSignal: S,
  StopTimeout: S, Shell: AS, HostConfig: { kind: 'object', fields: HOST_CONFIG },
  NetworkingConfig: { kind: 'object', fields: { EndpointsConfig: { kind: 'object', item: 'object' } } },
  Name: S, Platform: S,
};

export interface CreateOptionsIssue {
  readonly path: readonly string[];
  /** `type`: edgeAgent cannot read it; `unknown`: ignored; `bind`: Docker refuses to create the container. */
  readonly kind: 'type' | 'unknown' | 'bind';
  readonly message: string;
}

export interface ShapeOptions {
  /** In a template, values that hold a placeholder (or its mask) are not judged. */
  readonly template?: boolean;
}

/** Checks a parsed createOptions value (already known to be an object). */
export function checkCreateOptionsShape(options: Record<string, unknown>, shape: ShapeOptions = {}): CreateOptionsIssue[] {
  const issues: CreateOptionsIssue[] = [];
  checkFields(options, CONTAINER_CREATE, [], issues);
  const hostConfig = Object.entries(options).find(([k, v]) => k.toLowerCase() === 'hostconfig' && isObject(v));
  const binds = hostConfig ? Object.entries(hostConfig[1] as Record<string, unknown>).find(([k, v]) => k.toLowerCase() === 'binds' && Array.isArray(v)) : undefined;
  if (hostConfig && binds) checkBinds(binds[1] as unknown[], [hostConfig[0], binds[0]], issues, shape.template ?? false);
  return issues;
}

/**
 * `HostConfig.Binds` entries as the Linux engine parses them (`[source:]target[:mode]`): the target must be an
 * absolute path, or the engine refuses to create the container ("invalid mount path: '…' mount path must be
 * absolute"). Windows-style entries (drive letters, backslashes) are left to the Windows engine.
 */
function checkBinds(binds: readonly unknown[], path: readonly string[], issues: CreateOptionsIssue[], template: boolean): void {
  binds.forEach((bind, index) => {
    if (typeof bind !== 'string' || bind.trim() === '') return;
    if (/\\|^[A-Za-z]:|:[A-Za-z]:/.test(bind)) return;
    if (template && (/\s/.test(bind) || /[$<#]|__/.test(bind))) return;
    const parts = bind.split(':');
    if (parts.length > 3) return;
    const target = parts.length === 1 ? (parts[0] ?? '') : (parts[1] ?? '');
    if (target.startsWith('/')) return;
    const example = parts.length === 1 ? `/${target}` : `${parts[0]}:/${target.replace(/^\.?\/*/, '')}${parts[2] !== undefined ? `:${parts[2]}` : ''}`;
    issues.push({
      path: [...path, String(index)],
      kind: 'bind',
      message: `${path.join('.')}[${index}] "${bind}" mounts at "${target}", which is not an absolute path in the container; Docker refuses to create the container ("mount path must be absolute"), so the module never starts. Write the container path absolutely, e.g. "${example}".`,
    });
  });
}

function checkFields(obj: Record<string, unknown>, fields: Readonly<Record<string, FieldSpec>>, path: string[], issues: CreateOptionsIssue[]): void {
  const where = path.length === 0 ? 'createOptions' : path.join('.');
  for (const key of Object.keys(obj)) {
    const canonical = Object.keys(fields).find((f) => f.toLowerCase() === key.toLowerCase());
    if (!canonical) {
      const suggestion = closest(key, Object.keys(fields));
      issues.push({
        path: [...path, key],
        kind: 'unknown',
        message: `"${key}" is not a Docker ${path.length === 0 ? 'container create' : where} option and is ignored${suggestion ? `; did you mean "${suggestion}"?` : '.'}`,
      });
      continue;
    }
    const spec = fields[canonical];
    if (spec) checkValue(obj[key], spec, [...path, key], issues);
  }
}

function checkValue(value: unknown, spec: FieldSpec, path: string[], issues: CreateOptionsIssue[]): void {
  // Newtonsoft reads "" as null for any non-string type.
  if (value === null || value === undefined || value === '' || spec.kind === 'any') return;
  const name = path.join('.');
  const actual = kindOf(value);
  if (spec.kind !== 'scalar' && actual !== spec.kind) {
    issues.push({ path, kind: 'type', message: `${name} must be ${article(spec.kind)}, not ${article(actual)}; edgeAgent cannot read createOptions and rejects the deployment (code 400).` });
    return;
  }
  if (spec.kind === 'scalar' && actual !== 'scalar') {
    issues.push({ path, kind: 'type', message: `${name} must be a single value, not ${article(actual)}; edgeAgent rejects the deployment (code 400).` });
    return;
  }
  if (spec.fields && isObject(value)) checkFields(value, spec.fields, path, issues);
  if (spec.item && Array.isArray(value)) {
    value.forEach((item, index) => checkItem(item, spec.item ?? 'any', [...path, String(index)], issues));
  } else if (spec.item && isObject(value)) {
    for (const [key, item] of Object.entries(value)) checkItem(item, spec.item, [...path, key], issues);
  }
}

function checkItem(item: unknown, kind: Kind, path: string[], issues: CreateOptionsIssue[]): void {
  if (item === null || item === '' || kind === 'any') return;
  const actual = kindOf(item);
  if (actual !== kind) {
    issues.push({ path, kind: 'type', message: `${path.join('.')} must be ${article(kind)}, not ${article(actual)}; edgeAgent cannot read createOptions and rejects the deployment (code 400).` });
  }
}

function kindOf(value: unknown): Kind {
  if (Array.isArray(value)) return 'array';
  return isObject(value) ? 'object' : 'scalar';
}

function article(kind: Kind): string {
  return kind === 'array' ? 'an array' : kind === 'object' ? 'an object' : 'a string, number or boolean';
}

/** The known name closest to a misspelt one (edit distance at most 2), if any. */
function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j] ?? 0;
      row[j] = Math.min(current + 1, (row[j - 1] ?? 0) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length] ?? 0;
}

