import { createRequire } from 'node:module';
import type { ModuleClient as ModuleClientType } from 'azure-iot-device';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { verifySasToken } from '../../protocol/sas-token';
import { startWorkloadFixture, tlsHandshake, type WorkloadFixture } from './workload.test-util';

/**
 * The official module SDK (azure-iot-device 1.18.x) as the client: `ModuleClient.fromEnvironment` reads the
 * IOTEDGE_* variables the agent injects, builds its `IotEdgeAuthenticationProvider`, fetches the trust bundle and
 * hands it to the MQTT transport; `getDeviceCredentials()` then makes a SAS token whose signature comes from our
 * `/sign` (the provider holds no key, so a token that verifies can only have been signed by the workload API).
 * Nothing connects to a hub: `open()` is never called.
 */

const require = createRequire(import.meta.url);
const { ModuleClient } = require('azure-iot-device') as { ModuleClient: typeof ModuleClientType };
const { Mqtt } = require('azure-iot-device-mqtt') as { Mqtt: new (...args: never[]) => unknown };
const { IotEdgeAuthenticationProvider, WORKLOAD_API_VERSION } = require('azure-iot-device/dist/iotedge_authentication_provider') as {
  IotEdgeAuthenticationProvider: abstract new (...args: never[]) => unknown;
  WORKLOAD_API_VERSION: string;
};

/** The SDK internals the test inspects (azure-iot-device 1.18.4 field names). */
interface SdkProvider {
  getDeviceCredentials(): Promise<{ sharedAccessSignature: string; host: string; deviceId: string; moduleId: string; gatewayHostName?: string }>;
  stop(): void;
}
interface SdkClientInternals {
  _transport: { _authenticationProvider: SdkProvider; _mqtt: { _options?: { ca?: string } } };
  _methodClient: { _options?: { ca?: string } };
}

const HUB = 'myhub.azure-devices.net';
const ENV_KEYS = ['IOTEDGE_WORKLOADURI', 'IOTEDGE_DEVICEID', 'IOTEDGE_MODULEID', 'IOTEDGE_MODULEGENERATIONID', 'IOTEDGE_IOTHUBHOSTNAME', 'IOTEDGE_GATEWAYHOSTNAME', 'IOTEDGE_AUTHSCHEME', 'IOTEDGE_APIVERSION', 'EdgeHubConnectionString', 'IotHubConnectionString'];
const savedEnv = Object.fromEntries(ENV_KEYS.map((k) => [k, process.env[k]]));

let fx: WorkloadFixture;
const providers: SdkProvider[] = [];
beforeAll(async () => {
  fx = await startWorkloadFixture(['temp', 'filter']);
});
afterEach(() => {
  for (const provider of providers.splice(0)) provider.stop();
  for (const [k, v] of Object.entries(savedEnv)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
});
afterAll(() => fx?.dispose());

/** The environment the agent injects (container-spec.ts `injectedEnv`), pointing at one of our listeners. */
async function moduleEnvironment(workloadUri: string, moduleId: string): Promise<void> {
  delete process.env.EdgeHubConnectionString;
  delete process.env.IotHubConnectionString;
  Object.assign(process.env, {
    IOTEDGE_WORKLOADURI: workloadUri,
    IOTEDGE_DEVICEID: 'gw1',
    IOTEDGE_MODULEID: moduleId,
    IOTEDGE_MODULEGENERATIONID: (await fx.identities.getModule(moduleId))?.generationId ?? 'no-identity',
    IOTEDGE_IOTHUBHOSTNAME: HUB,
    IOTEDGE_GATEWAYHOSTNAME: 'gw1.local',
    IOTEDGE_AUTHSCHEME: 'sasToken',
    IOTEDGE_APIVERSION: '2022-08-03',
  });
}

async function sdkClient(): Promise<SdkClientInternals & { provider: SdkProvider }> {
  const client = (await ModuleClient.fromEnvironment(Mqtt as never)) as unknown as SdkClientInternals;
  const provider = client._transport._authenticationProvider;
  providers.push(provider);
  return Object.assign(client, { provider });
}

/** The per-module socket, as bound into a container (the workload API has no other listener). */
const uriFor = (moduleId: string) => `unix://${fx.server.socketPath(moduleId)}`;

describe('azure-iot-device ModuleClient.fromEnvironment over unix:// (the per-module socket)', () => {
  it('gets the trust bundle into its MQTT and method clients, and that bundle accepts an edgeHub certificate', async () => {
    await moduleEnvironment(uriFor('temp'), 'temp');
    const client = await sdkClient();
    expect(client.provider).toBeInstanceOf(IotEdgeAuthenticationProvider);
    expect(WORKLOAD_API_VERSION).toBe('2018-06-28');
    expect(client._transport._mqtt._options?.ca).toBe(fx.ca.trustBundlePem());
    expect(client._methodClient._options?.ca).toBe(fx.ca.trustBundlePem());

    const hubCert = await fx.ca.issueServerCertificate({ hostnames: ['localhost', '127.0.0.1', 'gw1.local'] });
    if (!hubCert.ok) throw new Error(hubCert.error.message);
    const ca = client._transport._mqtt._options?.ca ?? '';
    expect(await tlsHandshake(hubCert.value.privateKeyPem, hubCert.value.certificatePem, ca, 'gw1.local')).toBe(true);
  });

  it('produces a module SAS token, signed through /sign, that our verifier accepts with the primary key only', async () => {
    await moduleEnvironment(uriFor('temp'), 'temp');
    const { provider } = await sdkClient();
    const credentials = await provider.getDeviceCredentials();
    expect(credentials).toMatchObject({ host: HUB, deviceId: 'gw1', moduleId: 'temp', gatewayHostName: 'gw1.local' });
    const token = credentials.sharedAccessSignature;
    expect(token).toMatch(/^SharedAccessSignature sr=myhub\.azure-devices\.net%2Fdevices%2Fgw1%2Fmodules%2Ftemp&sig=[^&]+&se=\d+$/);

    const identity = await fx.identities.getModule('temp');
    const nowSeconds = Math.floor(Date.now() / 1000);
    const expect_ = { hostName: HUB, deviceId: 'gw1', moduleId: 'temp', nowSeconds };
    const verified = verifySasToken(token, { ...expect_, keys: [identity?.primaryKey ?? ''] });
    expect(verified).toEqual({ ok: true, value: { keyIndex: 0, expiry: expect.any(Number) } });
    if (verified.ok) expect(verified.value.expiry).toBeGreaterThan(nowSeconds + 3000); // the SDK's 1 h lifetime
    expect(verifySasToken(token, { ...expect_, keys: [identity?.secondaryKey ?? ''] })).toMatchObject({ ok: false, error: { reason: 'signature' } });
    expect(verifySasToken(token, { ...expect_, moduleId: 'filter', keys: [identity?.primaryKey ?? ''] })).toMatchObject({ ok: false, error: { reason: 'resource' } });
  });

  it("gets no signature for another module through its own socket: temp's socket asked to sign as filter", async () => {
    await moduleEnvironment(uriFor('temp'), 'filter');
    const { provider } = await sdkClient(); // the trust bundle needs no identity
    await expect(provider.getDeviceCredentials()).rejects.toThrow();
  });
});
