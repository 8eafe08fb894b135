import { EdgeSecurity } from '../workload/edge-security';
import { EdgeHub } from './edge-hub';

/**
 * The hub half of the edge hub's kill -9 test (edge-hub.durability.test.ts), run as its own process: the product's
 * EdgeHub (edge CA certificate, module identities, durable store) on `<dataDir>` and the MQTT port the parent chose,
 * with the routes the parent passes as JSON. Prints `ready` once serving; log lines go to stderr. Exits when its
 * stdin closes (the parent went away), so a failed test leaves no hub listening. The parent kills it with SIGKILL.
 */
async function main(): Promise<void> {
  const [dataDir, deviceId, iotHubHostName, mqttPort, routesJson] = process.argv.slice(2);
  if (!dataDir || !deviceId || !iotHubHostName || !mqttPort || !routesJson) throw new Error('usage: child <dataDir> <deviceId> <iotHubHostName> <mqttPort> <routes json>');
  process.stdin.resume();
  process.stdin.on('end', () => process.exit(0));
  const security = await EdgeSecurity.start({ dataDir, deviceId });
  if (!security.ok) throw new Error(security.error.message);
  const hub = EdgeHub.start({
    dataDir,
    deviceId,
    iotHubHostName,
    gatewayHostName: 'localhost',
    security: { identities: security.value.identities, issuer: security.value.ca },
    mqttPort: Number(mqttPort),
    httpsPort: 0,
    bindAddresses: ['127.0.0.1'],
    log: (line) => process.stderr.write(`${line}\n`),
  });
  const routes = JSON.parse(routesJson) as Record<string, string>;
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      const state = hub.state;
      if (state.state === 'running') return resolve();
      if (state.state !== 'starting') return reject(new Error(`edge hub: ${JSON.stringify(state)}`));
      setTimeout(check, 20);
    };
    check();
  });
  const status = hub.applyDeployment({ schemaVersion: '1.1', routes, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } }, 1, {});
  if (status?.code !== 200) throw new Error(`routes refused: ${JSON.stringify(status)}`);
  process.stdout.write('ready\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
