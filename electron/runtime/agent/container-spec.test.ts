import { describe, expect, it } from 'vitest';
import { containerSpec, type RuntimeContext } from './container-spec';
import type { DesiredModule } from './model';

const ctx: RuntimeContext = {
  deviceId: 'gw1',
  iotHubHostName: 'hub.local',
  gatewayHostName: 'gw1.local',
  workloadUri: 'unix:///var/run/iotedge/workload.sock',
  workloadListenDir: '/data/mnt',
  network: 'host',
  generationIds: { temp: 'gen-1' },
  apiVersion: '2022-08-03',
  runtimeLogLevel: 'info',
  allowElevatedDockerPermissions: true,
};

const module = (over: Partial<DesiredModule> = {}): DesiredModule => ({
  name: 'temp',
  version: '1',
  image: 'local/temp:1',
  createOptions: {},
  env: {},
  status: 'running',
  restartPolicy: 'always',
  imagePullPolicy: 'on-create',
  startupOrder: 1,
  configHash: 'h1',
  ...over,
});

const envOf = (spec: Record<string, unknown>) => Object.fromEntries((spec.Env as string[]).map((e) => [e.slice(0, e.indexOf('=')), e.slice(e.indexOf('=') + 1)]));

describe('containerSpec', () => {
  it('injects the IOTEDGE_* variables, sorted, with createOptions.Env winning over deployment env', () => {
    const spec = containerSpec(module({ env: { A: 'deployment', B: 'deployment' }, createOptions: { Env: ['B=createOptions', 'IOTEDGE_DEVICEID=override'] } }), ctx);
    const env = envOf(spec);
    expect(env).toMatchObject({ A: 'deployment', B: 'createOptions', IOTEDGE_DEVICEID: 'override', IOTEDGE_MODULEID: 'temp', IOTEDGE_MODULEGENERATIONID: 'gen-1', IOTEDGE_AUTHSCHEME: 'sasToken', IOTEDGE_GATEWAYHOSTNAME: 'gw1.local', RuntimeLogLevel: 'info' });
    const keys = (spec.Env as string[]).map((e) => e.split('=')[0]);
    expect(keys).toEqual([...keys].sort());
  });

  it('labels the container as IoT Edge does, keeping user labels', () => {
    const spec = containerSpec(module({ createOptions: { Labels: { mine: 'yes' } } }), ctx);
    expect(spec.Labels).toEqual({
      mine: 'yes',
      'net.azure-devices.edge.owner': 'Microsoft.Azure.Devices.Edge.Agent',
      'net.azure-devices.edge.original-image': 'local/temp:1',
      'io.gatehouse.config-hash': 'h1',
    });
    expect(spec.Image).toBe('local/temp:1');
  });

  it("binds the module's own workload socket folder only for a unix URI", () => {
    const spec = containerSpec(module({ createOptions: { HostConfig: { Binds: ['/data:/data'] } } }), ctx);
    expect((spec.HostConfig as { Binds: string[] }).Binds).toEqual(['/data:/data', '/data/mnt/temp:/var/run/iotedge']);
    const http = containerSpec(module(), { ...ctx, workloadUri: 'http://127.0.0.1:15580' });
    expect((http.HostConfig as { Binds?: string[] }).Binds).toBeUndefined();
  });

  it('adds the network only when the user chose none', () => {
    expect((containerSpec(module(), ctx).HostConfig as { NetworkMode: string }).NetworkMode).toBe('host');
    expect(containerSpec(module(), { ...ctx, network: 'azure-iot-edge' }).NetworkingConfig).toEqual({ EndpointsConfig: { 'azure-iot-edge': {} } });
    const own = { NetworkingConfig: { EndpointsConfig: { mine: {} } } };
    const spec = containerSpec(module({ createOptions: own }), ctx);
    expect(spec.NetworkingConfig).toEqual(own.NetworkingConfig);
    expect((spec.HostConfig as { NetworkMode?: string }).NetworkMode).toBeUndefined();
  });

  it('scrubs privileges unless elevated permissions are allowed', () => {
    const createOptions = { HostConfig: { Privileged: true, CapAdd: ['CAP_CHOWN', 'NET_ADMIN'], CapDrop: ['MKNOD'] } };
    const scrubbed = containerSpec(module({ createOptions }), { ...ctx, allowElevatedDockerPermissions: false }).HostConfig as Record<string, unknown>;
    expect(scrubbed).toMatchObject({ Privileged: false, CapDrop: ['SETUID', 'MKNOD'] });
    expect(scrubbed.CapAdd).toBeUndefined();
    expect((containerSpec(module({ createOptions }), ctx).HostConfig as Record<string, unknown>).Privileged).toBe(true);
  });

  it('does not mutate the desired module', () => {
    const m = module({ createOptions: { HostConfig: { Binds: ['/a:/a'] } } });
    containerSpec(m, ctx);
    expect(m.createOptions).toEqual({ HostConfig: { Binds: ['/a:/a'] } });
  });

  it("labels the container with this instance's ownership labels, which a deployment's createOptions cannot set or forge", () => {
    const forged = { Labels: { 'io.gatehouse.instance': 'someone-else', 'io.gatehouse.data-dir': '/elsewhere', 'net.azure-devices.edge.owner': 'me', mine: 'kept' } };
    const owned = containerSpec(module({ createOptions: forged }), { ...ctx, instance: { id: 'i-1', dataDir: '/data' } });
    expect(owned.Labels).toEqual({
      mine: 'kept',
      'net.azure-devices.edge.owner': 'Microsoft.Azure.Devices.Edge.Agent',
      'net.azure-devices.edge.original-image': 'local/temp:1',
      'io.gatehouse.config-hash': 'h1',
      'io.gatehouse.instance': 'i-1',
      'io.gatehouse.data-dir': '/data',
    });
    // Without an instance (as Gatehouse before instance labels): no ownership label, and no forged one either.
    const unowned = containerSpec(module({ createOptions: forged }), ctx).Labels as Record<string, string>;
    expect(unowned['io.gatehouse.instance']).toBeUndefined();
    expect(unowned['io.gatehouse.data-dir']).toBeUndefined();
  });
});
