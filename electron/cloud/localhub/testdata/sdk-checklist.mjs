// HUB-CONTRACTS.md §9 as calls of the unmodified official SDKs (azure-iothub, azure-iot-device, azure-iot-device-mqtt),
// used by ../localhub.checklist.test.ts twice: imported in-process with the adapter's hooks (free ports, `ca` options),
// and run as a child process with NO hooks at all (`node sdk-checklist.mjs`, the hub on 443/8883, trust through
// NODE_EXTRA_CA_CERTS), so that the SDK code in variant (b) is exactly what users run. Input (JSON in the env variable
// CHECKLIST_INPUT when run as a script): { connectionString, selfSigned: {cert, key, thumbprint}, caSigned: {cert, key} }.
// Output: one result per step, { item, name, ok, error? }, as JSON on stdout; the parent asserts each one and checks
// the telemetry that reached the registry. Never throws: a failing step is a result.
import { createHmac } from 'node:crypto';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);
const { Registry, Client: ServiceClient } = require('azure-iothub');
const { Client: DeviceClient, ModuleClient, Message } = require('azure-iot-device');
const { Mqtt, MqttWs } = require('azure-iot-device-mqtt');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function check(condition, what) {
  if (!condition) throw new Error(`expected ${what}`);
}

function equal(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}

async function errorName(promise) {
  try {
    await promise;
  } catch (error) {
    // azure-iothub turns a 404 other than DeviceNotFound into Error('Not found'); the body says what was not found.
    const body = typeof error?.responseBody === 'string' ? ` ${error.responseBody.slice(0, 200)}` : '';
    return error instanceof Error ? `${error.name}: ${error.message}${body}` : String(error);
  }
  return 'resolved';
}

async function waitFor(what, test, ms = 10_000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await test();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/**
 * @param input  see the header
 * @param hooks  only for the in-process variant: { service(sdkClient), gateway(transport) → GatewayHostName or undefined,
 *               x509Host: 'localhost:<mqttPort>', deviceOptions(transportName) → options for setOptions }
 */
export async function runChecklist(input, hooks = {}) {
  const results = [];
  const closers = [];
  const host = /HostName=([^;]+)/.exec(input.connectionString)[1];
  const service = (client) => (hooks.service ? hooks.service(client) : client);
  const registry = service(Registry.fromConnectionString(input.connectionString));
  const methods = service(ServiceClient.fromConnectionString(input.connectionString));
  const gatewayOf = (transport) => (hooks.gateway?.(transport) ? `;GatewayHostName=${hooks.gateway(transport)}` : '');
  const transports = { Mqtt, MqttWs };
  const keys = {};

  async function step(item, name, run) {
    if (process.env.CHECKLIST_DEBUG) console.error(`step ${item} ${name}`);
    try {
      await run();
      results.push({ item, name, ok: true });
    } catch (error) {
      results.push({ item, name, ok: false, error: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
  }

  async function connect(kind, transport, connectionString, extra = {}) {
    const client = (kind === 'module' ? ModuleClient : DeviceClient).fromConnectionString(connectionString, transports[transport]);
    closers.push(() => client.close());
    const options = { ...(hooks.deviceOptions ? hooks.deviceOptions(transport) : {}), ...extra };
    if (Object.keys(options).length > 0) await client.setOptions(options);
    await client.open();
    return client;
  }
  const deviceString = (transport, deviceId, key = keys[deviceId]) => `HostName=${host};DeviceId=${deviceId};SharedAccessKey=${key}${gatewayOf(transport)}`;
  const moduleString = (transport, deviceId, moduleId) =>
    `HostName=${host};DeviceId=${deviceId};ModuleId=${moduleId};SharedAccessKey=${keys[`${deviceId}/${moduleId}`]}${gatewayOf(transport)}`;
  const invoke = (deviceId, moduleId, params) => (moduleId ? methods.invokeDeviceMethod(deviceId, moduleId, params) : methods.invokeDeviceMethod(deviceId, params));
  /** The first invocation after `onDeviceMethod` can race the SUBSCRIBE: retry while the hub says the device is not ready. */
  const invokeReady = (deviceId, moduleId, params) =>
    waitFor('the method subscription', async () => {
      try {
        return await invoke(deviceId, moduleId, params);
      } catch (error) {
        if (error instanceof Error && error.message === 'Not found') return undefined;
        throw error;
      }
    });

  // ---- Service (HTTPS): items 1–18 -------------------------------------------------------------------------------------
  await step(1, 'Registry.create returns the device with generated keys, etag and generationId', async () => {
    for (const id of ['cl-d1', 'cl-d2', 'cl-d3']) {
      const device = (await registry.create({ deviceId: id })).responseBody;
      check(device.authentication?.symmetricKey?.primaryKey && device.etag && device.generationId, `keys, etag and generationId on ${id}`);
      keys[id] = device.authentication.symmetricKey.primaryKey;
    }
  });
  await step(2, 'Registry.create of an edge device: iotEdge, deviceScope, $edgeAgent and $edgeHub', async () => {
    const edge = (await registry.create({ deviceId: 'cl-edge', capabilities: { iotEdge: true } })).responseBody;
    check(edge.capabilities?.iotEdge === true && edge.deviceScope, 'iotEdge and deviceScope');
    const modules = (await registry.getModulesOnDevice('cl-edge')).responseBody.map((m) => m.moduleId).sort();
    equal(modules, ['$edgeAgent', '$edgeHub'], 'edge system modules');
  });
  await step(3, 'create of an existing id → DeviceAlreadyExistsError', async () => {
    check((await errorName(registry.create({ deviceId: 'cl-d1' }))).startsWith('DeviceAlreadyExistsError'), 'DeviceAlreadyExistsError');
  });
  await step(4, 'Registry.get; unknown → DeviceNotFoundError', async () => {
    equal((await registry.get('cl-d1')).responseBody.deviceId, 'cl-d1', 'deviceId');
    check((await errorName(registry.get('cl-nothere'))).startsWith('DeviceNotFoundError'), 'DeviceNotFoundError');
  });
  await step(5, 'Registry.update to disabled; a disabled device is refused (UnauthorizedError)', async () => {
    const updated = (await registry.update({ deviceId: 'cl-d3', status: 'disabled' })).responseBody;
    equal(updated.status, 'disabled', 'status');
    check((await errorName(connect('device', 'Mqtt', deviceString('Mqtt', 'cl-d3')))).startsWith('UnauthorizedError'), 'UnauthorizedError for a disabled device');
  });
  await step(6, 'Registry.list', async () => {
    const ids = (await registry.list()).responseBody.map((d) => d.deviceId);
    check(['cl-d1', 'cl-d2', 'cl-d3', 'cl-edge'].every((id) => ids.includes(id)), `the created devices in ${ids}`);
  });
  await step(7, 'Registry.delete → gone', async () => {
    await registry.delete('cl-d3');
    check((await errorName(registry.get('cl-d3'))).startsWith('DeviceNotFoundError'), 'DeviceNotFoundError after delete');
  });
  await step(8, 'addDevices / updateDevices / removeDevices', async () => {
    const added = (await registry.addDevices([{ deviceId: 'cl-b1' }, { deviceId: 'cl-b2' }])).responseBody;
    equal(added.isSuccessful, true, 'addDevices isSuccessful');
    const updated = (await registry.updateDevices([{ deviceId: 'cl-b1', status: 'disabled' }], true)).responseBody;
    equal(updated.isSuccessful, true, 'updateDevices isSuccessful');
    equal((await registry.get('cl-b1')).responseBody.status, 'disabled', 'bulk-updated status');
    const removed = (await registry.removeDevices([{ deviceId: 'cl-b1' }, { deviceId: 'cl-b2' }], true)).responseBody;
    equal(removed.isSuccessful, true, 'removeDevices isSuccessful');
  });
  await step(9, 'addModule, getModule, getModulesOnDevice', async () => {
    const added = (await registry.addModule({ deviceId: 'cl-d2', moduleId: 'm1' })).responseBody;
    check(added.authentication?.symmetricKey?.primaryKey, 'module keys');
    keys['cl-d2/m1'] = added.authentication.symmetricKey.primaryKey;
    equal((await registry.getModule('cl-d2', 'm1')).responseBody.moduleId, 'm1', 'getModule');
    equal((await registry.getModulesOnDevice('cl-d2')).responseBody.map((m) => m.moduleId), ['m1'], 'getModulesOnDevice');
  });
  await step(10, 'updateModule with a stale etag → InvalidEtagError, forced → 200; removeModule', async () => {
    await registry.addModule({ deviceId: 'cl-d2', moduleId: 'm2' });
    const module = (await registry.getModule('cl-d2', 'm2')).responseBody;
    await registry.updateModule({ ...module, managedBy: 'first' }, false);
    check((await errorName(registry.updateModule({ ...module, managedBy: 'stale' }, false))).startsWith('InvalidEtagError'), 'InvalidEtagError');
    equal((await registry.updateModule({ ...module, managedBy: 'forced' }, true)).responseBody.managedBy, 'forced', 'forced update');
    await registry.removeModule('cl-d2', 'm2');
    const gone = await errorName(registry.getModule('cl-d2', 'm2'));
    check(gone.startsWith('Error: Not found') && gone.includes('ModuleNotFound'), `Error "Not found" with ModuleNotFound, got ${gone}`);
  });
  await step(11, 'getTwin / getModuleTwin: etag, version, tags, properties with $version and $metadata', async () => {
    for (const twin of [(await registry.getTwin('cl-d1')).responseBody, (await registry.getModuleTwin('cl-d2', 'm1')).responseBody]) {
      check(twin.etag && typeof twin.version === 'number' && twin.properties?.desired?.$version !== undefined && twin.properties?.reported?.$metadata, 'twin fields');
    }
  });
  await step(12, 'updateTwin merges; a stale etag → InvalidEtagError; updateModuleTwin', async () => {
    const twin = (await registry.getTwin('cl-d1')).responseBody;
    const merged = (await registry.updateTwin('cl-d1', { tags: { site: 'a' }, properties: { desired: { a: 1 } } }, twin.etag)).responseBody;
    check(merged.tags.site === 'a' && merged.properties.desired.a === 1, 'merged twin');
    check((await errorName(registry.updateTwin('cl-d1', { tags: { site: 'b' } }, twin.etag))).startsWith('InvalidEtagError'), 'InvalidEtagError');
    const moduleTwin = (await registry.updateModuleTwin('cl-d2', 'm1', { properties: { desired: { mode: 'on' } } }, '*')).responseBody;
    equal(moduleTwin.properties.desired.mode, 'on', 'module twin desired');
  });
  await step(13, 'createQuery paged with continuation tokens (nextAsTwin)', async () => {
    for (const id of ['cl-q1', 'cl-q2', 'cl-q3', 'cl-q4', 'cl-q5']) {
      await registry.create({ deviceId: id });
      await registry.updateTwin(id, { tags: { group: 'q' } }, '*');
    }
    const query = registry.createQuery("SELECT * FROM devices WHERE tags.group = 'q'", 2);
    const seen = [];
    const pages = [];
    while (query.hasMoreResults) {
      // The promise form drops the stored token unless it is passed (azure-iothub 1.16.6).
      const page = await query.nextAsTwin(query.continuationToken);
      pages.push(page.result.length);
      seen.push(...page.result.map((t) => t.deviceId));
      check(pages.length < 10, 'the query to end');
    }
    equal(pages, [2, 2, 1], 'page sizes');
    equal(seen.sort(), ['cl-q1', 'cl-q2', 'cl-q3', 'cl-q4', 'cl-q5'], 'queried ids');
  });
  await step(14, 'query devices.modules and SELECT COUNT()', async () => {
    const modules = (await registry.createQuery("SELECT * FROM devices.modules WHERE deviceId = 'cl-d2'").nextAsTwin()).result;
    equal(modules.map((t) => t.moduleId), ['m1'], 'module twins');
    const count = (await registry.createQuery("SELECT COUNT() AS numberOfDevices FROM devices WHERE tags.group = 'q'").next()).result;
    equal(count, [{ numberOfDevices: 5 }], 'count');
  });
  await step(15, 'getRegistryStatistics', async () => {
    const stats = (await registry.getRegistryStatistics()).responseBody;
    check(stats.totalDeviceCount >= 8 && typeof stats.enabledDeviceCount === 'number', `counts in ${JSON.stringify(stats)}`);
  });
  await step(16, 'configurations: add, get, list, update, systemMetrics, remove', async () => {
    const config = {
      id: 'cl-cfg',
      schemaVersion: '1.0',
      content: { deviceContent: { 'properties.desired.fromConfig': { level: 3 } } },
      targetCondition: "tags.group = 'q'",
      priority: 10,
      labels: { owner: 'checklist' },
      metrics: { queries: {} },
    };
    await registry.addConfiguration(config);
    const stored = (await registry.getConfiguration('cl-cfg')).responseBody;
    check(stored.etag && stored.createdTimeUtc && stored.systemMetrics, 'etag, timestamps and systemMetrics');
    check((await registry.getConfigurations()).responseBody.some((c) => c.id === 'cl-cfg'), 'listed');
    const updated = (await registry.updateConfiguration({ ...stored, labels: { owner: 'updated' } })).responseBody;
    equal(updated.labels, { owner: 'updated' }, 'updated labels');
    const metrics = (await registry.getConfiguration('cl-cfg')).responseBody.systemMetrics;
    check(typeof metrics.results.targetedCount === 'number' && typeof metrics.results.appliedCount === 'number', 'targetedCount and appliedCount');
    // Not checked: the counts and the desired patches of assignment (configuration-assignment.ts is not wired into
    // the composed hub yet: nothing calls LocalHubRegistry.setConfigurationMetrics or applies deviceContent).
    await registry.removeConfiguration('cl-cfg');
    const gone = await errorName(registry.getConfiguration('cl-cfg'));
    check(gone.startsWith('Error: Not found') && gone.includes('ConfigurationNotFound'), `Error "Not found" with ConfigurationNotFound, got ${gone}`);
  });
  await step(17, 'applyConfigurationContentOnDevice sets the module twins', async () => {
    const modulesContent = {
      $edgeAgent: { 'properties.desired': { schemaVersion: '1.1', runtime: { type: 'docker', settings: {} }, systemModules: {}, modules: {} } },
      $edgeHub: { 'properties.desired': { schemaVersion: '1.1', routes: { all: 'FROM /messages/* INTO $upstream' }, storeAndForwardConfiguration: { timeToLiveSecs: 60 } } },
    };
    await registry.applyConfigurationContentOnDevice('cl-edge', { modulesContent });
    const hubTwin = (await registry.getModuleTwin('cl-edge', '$edgeHub')).responseBody;
    equal(hubTwin.properties.desired.routes, { all: 'FROM /messages/* INTO $upstream' }, '$edgeHub desired routes');
  });

  // ---- Devices (MQTT over TLS and over WebSockets): items 18–25 -----------------------------------------------------------
  for (const transport of ['Mqtt', 'MqttWs']) {
    const t = ` (${transport})`;
    const deviceId = transport === 'Mqtt' ? 'cl-d1' : 'cl-ws';
    let client;
    let twin;
    if (transport === 'MqttWs') {
      await step(19, `create the ${transport} device`, async () => {
        keys[deviceId] = (await registry.create({ deviceId })).responseBody.authentication.symmetricKey.primaryKey;
      });
    }
    await step(18, `invokeDeviceMethod to an offline device → Error "Not found"${t}`, async () => {
      const name = await errorName(invoke(deviceId, undefined, { methodName: 'echo', payload: null, responseTimeoutInSeconds: 5 }));
      check(name.startsWith('Error: Not found') && name.includes('404103'), `Error "Not found" with errorCode 404103, got ${name}`);
    });
    await step(19, `open with SAS${t}`, async () => {
      client = await connect('device', transport, deviceString(transport, deviceId));
      const state = await waitFor('connectionState Connected', async () => (await registry.getTwin(deviceId)).responseBody.connectionState === 'Connected');
      check(state, 'Connected');
    });
    await step(19, `a wrong key and an expired token → UnauthorizedError${t}`, async () => {
      const wrong = Buffer.alloc(32, 7).toString('base64');
      check((await errorName(connect('device', transport, deviceString(transport, deviceId, wrong)))).startsWith('UnauthorizedError'), 'UnauthorizedError for a wrong key');
      const expiry = Math.floor(Date.now() / 1000) - 60;
      const sr = encodeURIComponent(`${host}/devices/${deviceId}`);
      const sig = createHmac('sha256', Buffer.from(keys[deviceId], 'base64')).update(`${sr}\n${expiry}`).digest('base64');
      const token = `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(sig)}&se=${expiry}`;
      const expired = `HostName=${host};DeviceId=${deviceId};SharedAccessSignature=${token}${gatewayOf(transport)}`;
      check((await errorName(connect('device', transport, expired))).startsWith('UnauthorizedError'), 'UnauthorizedError for an expired token');
    });
    await step(20, `sendEvent with properties${t}`, async () => {
      const message = new Message(JSON.stringify({ t: 21.5 }));
      message.messageId = `mid-${transport}`;
      message.contentType = 'application/json';
      message.contentEncoding = 'utf-8';
      message.properties.add('alert', 'hot value');
      message.properties.add('transport', transport);
      await client.sendEvent(message);
    });
    await step(21, `getTwin${t}`, async () => {
      twin = await client.getTwin();
      check(twin.properties.desired.$version !== undefined && twin.properties.reported.$version !== undefined, 'desired and reported with $version');
    });
    await step(22, `reported patch reaches the service twin${t}`, async () => {
      await new Promise((resolve, reject) => twin.properties.reported.update({ firmware: transport, nested: { ok: true } }, (e) => (e ? reject(e) : resolve())));
      const reported = (await registry.getTwin(deviceId)).responseBody.properties.reported;
      check(reported.firmware === transport && reported.nested.ok === true, `reported ${JSON.stringify(reported)}`);
    });
    await step(24, `desired subscription and push after a service twin update${t}`, async () => {
      const pushes = [];
      twin.on('properties.desired', (patch) => pushes.push(patch));
      // The first emission is the full desired set after getTwin; wait until the subscription is in place.
      await waitFor('the first properties.desired event', () => pushes.length > 0);
      const value = `pushed-${Date.now()}`;
      // Repeat the update until the push arrives: the SUBSCRIBE may still be in flight when the first one is made.
      await waitFor('the pushed desired value', async () => {
        if (pushes.some((p) => p.pushed === value)) return true;
        await registry.updateTwin(deviceId, { properties: { desired: { pushed: value } } }, '*');
        await sleep(300);
        return pushes.some((p) => p.pushed === value);
      });
    });
    await step(25, `onDeviceMethod → invokeDeviceMethod round trip${t}`, async () => {
      client.onDeviceMethod('echo', (request, response) => void response.send(201, { echoed: request.payload }));
      const answer = await invokeReady(deviceId, undefined, { methodName: 'echo', payload: { n: 5 }, responseTimeoutInSeconds: 10 });
      equal(answer.result, { status: 201, payload: { echoed: { n: 5 } } }, 'method result');
    });
    // Once (Mqtt): the SDK's shortest response timeout is 5 s.
    if (transport === 'Mqtt') {
      await step(18, `a method nobody answers → GatewayTimeoutError${t}`, async () => {
        const name = await errorName(invoke(deviceId, undefined, { methodName: 'unhandled', payload: null, responseTimeoutInSeconds: 5 }));
        check(name.startsWith('GatewayTimeoutError'), `GatewayTimeoutError, got ${name}`);
      });
    }
    await step(25, `module client: onMethod round trip and sendOutputEvent${t}`, async () => {
      const moduleClient = await connect('module', transport, moduleString(transport, 'cl-d2', 'm1'));
      moduleClient.onMethod('status', (request, response) => void response.send(200, { module: 'm1', asked: request.payload }));
      const answer = await invokeReady('cl-d2', 'm1', { methodName: 'status', payload: transport, responseTimeoutInSeconds: 10 });
      equal(answer.result, { status: 200, payload: { module: 'm1', asked: transport } }, 'module method result');
      const output = new Message(JSON.stringify({ from: 'm1' }));
      output.properties.add('transport', transport);
      await moduleClient.sendOutputEvent('out1', output);
      await moduleClient.close();
    });
    await step(19, `close${t}`, async () => {
      await client.close();
      await waitFor('connectionState Disconnected', async () => (await registry.getTwin(deviceId)).responseBody.connectionState === 'Disconnected');
    });
  }

  // ---- X.509 over Mqtt (X.509 connection strings ignore GatewayHostName: the host, with its port, is in HostName) ----
  const x509Host = hooks.x509Host ?? host;
  await step(19, 'X.509 self-signed device (thumbprint) opens and sends', async () => {
    await registry.create({ deviceId: 'cl-x1', authentication: { type: 'selfSigned', x509Thumbprint: { primaryThumbprint: input.selfSigned.thumbprint } } });
    const client = await connect('device', 'Mqtt', `HostName=${x509Host};DeviceId=cl-x1;x509=true`, { cert: input.selfSigned.cert, key: input.selfSigned.key });
    await client.sendEvent(new Message('x509 self-signed'));
    await client.close();
  });
  await step(19, 'X.509 CA-signed device opens and sends', async () => {
    await registry.create({ deviceId: 'cl-ca1', authentication: { type: 'certificateAuthority' } });
    const client = await connect('device', 'Mqtt', `HostName=${x509Host};DeviceId=cl-ca1;x509=true`, { cert: input.caSigned.cert, key: input.caSigned.key });
    await client.sendEvent(new Message('x509 CA-signed'));
    await client.close();
  });

  for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await runChecklist(JSON.parse(process.env.CHECKLIST_INPUT ?? '{}'));
  process.stdout.write(`${JSON.stringify(results)}\n`);
  process.exit(0);
}
