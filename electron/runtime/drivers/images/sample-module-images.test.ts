import type Dockerode from 'dockerode';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockerDriver } from '../docker/docker-driver';
import type { ContainerCreateOptions, LogLine } from '../driver';
import { DOCKER_SOCKET, TEST_LABEL, newRunId, removeTestResources, requireEngine, unwrap, waitFor } from '../test-engine.test-util';
import { buildLocalImages, IMAGE_LABELS, type LocalImage } from './build-local-images';

/**
 * The sample modules' images (resources/images/sample-*, code in resources/modules/*) on a real engine: built on
 * the node base with the SDK's closure, cached by hash, and running their entry file. Their run through the edge
 * hub (sensor → filter → $upstream) is the edge hub's integration test.
 */

const SAMPLES = ['sample-filter', 'sample-method-responder', 'sample-temperature-sensor'] as const;
const ENTRY: Record<(typeof SAMPLES)[number], string> = {
  'sample-filter': 'filter',
  'sample-method-responder': 'method-responder',
  'sample-temperature-sensor': 'temperature-sensor',
};
/** A made-up module key (base64), to check that nothing logs it. */
const FAKE_KEY = Buffer.from('gatehouse-sample-module-test-key').toString('base64');

describe('sample module images on a real engine', () => {
  const runId = newRunId();
  let docker: Dockerode;
  let driver: DockerDriver;
  let first: LocalImage[];

  async function create(name: string, options: ContainerCreateOptions): Promise<string> {
    const { id } = unwrap(
      await driver.createContainer(`gatehouse-test-${runId}-${name}`, {
        ...options,
        Labels: { [TEST_LABEL]: runId },
        // No network: nothing these containers do may leave them.
        HostConfig: { NetworkMode: 'none', ...options.HostConfig },
      }),
      'create',
    );
    unwrap(await driver.startContainer(id), 'start');
    return id;
  }

  async function logLines(id: string): Promise<string[]> {
    const lines: LogLine[] = [];
    for await (const line of unwrap(await driver.logs(id), 'logs')) lines.push(line);
    return lines.map((l) => l.line);
  }

  async function exited(id: string, what: string): Promise<number | undefined> {
    const details = await waitFor(
      what,
      async () => {
        const d = unwrap(await driver.inspectContainer(id), 'inspect');
        return d.state === 'exited' ? d : undefined;
      },
      60_000,
    );
    return details.exitCode;
  }

  beforeAll(async () => {
    docker = await requireEngine();
    driver = new DockerDriver({ socketPath: DOCKER_SOCKET });
    // Cold, this builds the node base too (about a minute per image on a busy machine).
    first = unwrap(await buildLocalImages(docker, { names: SAMPLES }), 'build the sample images');
  }, 600_000);

  afterAll(async () => {
    driver?.dispose();
    if (docker) await removeTestResources(docker, runId);
  });

  it('are built as gatehouse/sample-<name>:1.0, labelled with their hash, running node on /app/index.js, and cached the second time', async () => {
    expect(first.map((i) => i.tag)).toEqual(['gatehouse/sample-filter:1.0', 'gatehouse/sample-method-responder:1.0', 'gatehouse/sample-temperature-sensor:1.0']);
    const second = unwrap(await buildLocalImages(docker, { names: SAMPLES }), 'second build');
    expect(second.map((i) => i.outcome)).toEqual(['cached', 'cached', 'cached']);
    expect(second.map((i) => [i.id, i.hash])).toEqual(first.map((i) => [i.id, i.hash]));
    for (const image of second) {
      const details = await docker.getImage(image.tag).inspect();
      expect(details.Config.Labels).toMatchObject({ [IMAGE_LABELS.recipe]: image.recipe, [IMAGE_LABELS.hash]: image.hash });
      expect(details.Config.Cmd).toEqual(['node', '/app/index.js']);
      expect(details.Config.WorkingDir).toBe('/app');
    }
  }, 120_000);

  it.each(SAMPLES)('%s holds its module files and loads the SDK from its own node_modules', async (recipe) => {
    const script = [
      "const fs = require('fs');",
      "const device = require('azure-iot-device'), mqtt = require('azure-iot-device-mqtt');",
      'console.log(JSON.stringify({',
      "  files: fs.readdirSync('/app').sort(),",
      "  logic: Object.keys(require('/app/logic.js')).length > 0,",
      "  sdk: typeof device.ModuleClient.fromEnvironment + ' ' + typeof mqtt.Mqtt,",
      "  resolved: require.resolve('azure-iot-device'),",
      "  types: fs.existsSync('/app/node_modules/@types'),",
      '}));',
    ].join('\n');
    const id = await create(`${recipe}-files`, { Image: `gatehouse/${recipe}:1.0`, Cmd: ['node', '-e', script] });
    expect(await exited(id, `${recipe} to list its files`)).toBe(0);
    const report = JSON.parse((await logLines(id)).at(-1) ?? '{}') as Record<string, unknown>;
    expect(report).toEqual({
      files: ['index.js', 'logic.js', 'node_modules', 'package.json'],
      logic: true,
      sdk: 'function function',
      resolved: '/app/node_modules/azure-iot-device/device.js',
      types: false,
    });
    expect(ENTRY[recipe]).toBeTruthy();
  });

  it.each(SAMPLES)('%s starts node on its entry file and exits 1, saying why, outside an IoT Edge runtime', async (recipe) => {
    const id = await create(`${recipe}-no-edge`, { Image: `gatehouse/${recipe}:1.0` });
    expect(await exited(id, `${recipe} to give up`)).toBe(1);
    const lines = await logLines(id);
    expect(lines[0]).toMatch(new RegExp(`^${ENTRY[recipe]}: starting \\(node v`));
    expect(lines).toContain(`${ENTRY[recipe]}: cannot create the module client: Environment variable IOTEDGE_WORKLOADURI was not provided.`);
  });

  it.each(SAMPLES)('%s closes its client and exits 0 on SIGTERM while connecting, and never logs its key', async (recipe) => {
    // A hub that accepts and never answers, on the container's own loopback: the SDK keeps connecting.
    const silentHub = "require('net').createServer(() => {}).listen(8883, '127.0.0.1', () => require('/app/index.js'));";
    const id = await create(`${recipe}-sigterm`, {
      Image: `gatehouse/${recipe}:1.0`,
      Cmd: ['node', '-e', silentHub],
      Env: [`EdgeHubConnectionString=HostName=127.0.0.1;DeviceId=sample-device;ModuleId=${ENTRY[recipe]};SharedAccessKey=${FAKE_KEY}`],
    });
    await waitFor(`${recipe} to start connecting`, async () => ((await logLines(id)).some((l) => l.includes('connecting to the edge hub')) ? true : undefined), 60_000);
    await docker.getContainer(id).stop({ t: 20 });
    expect(await exited(id, `${recipe} to stop`)).toBe(0);
    const lines = await logLines(id);
    expect(lines).toContain(`${ENTRY[recipe]}: SIGTERM: closing the module client`);
    expect(lines.join('\n')).not.toContain(FAKE_KEY);
    expect(lines.join('\n')).not.toMatch(/SharedAccessSignature|sig=/);
  });
});
