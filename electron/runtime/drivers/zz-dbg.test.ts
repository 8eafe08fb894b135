import { test } from 'vitest';
import { DockerDriver } from '/work/main/electron/runtime/drivers/docker/docker-driver';
test('dbg', async () => {
  const d = new DockerDriver({ socketPath: '/var/run/docker.sock' });
  d.onDidChangeState((s) => console.log('STATE', JSON.stringify(s)));
  await new Promise((r) => setTimeout(r, 3000));
  console.log(JSON.stringify(d.state));
  d.dispose();
});
