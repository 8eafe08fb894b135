import { AmqpWs, Client, Registry } from 'azure-iothub';
import { describe, expect, it } from 'vitest';
import { attachLocalHubAmqp, reachLocalHub } from './local-adapter';

/**
 * The adapter's AMQP bend on the real azure-iothub objects (no hub: what the transport would dial and with which TLS
 * options). That it reaches the local hub is shown end to end in electron/cloud/localhub/c2d.sdk.test.ts.
 */

const CS = `HostName=localhost;SharedAccessKeyName=iothubowner;SharedAccessKey=${Buffer.alloc(32, 1).toString('base64')}`;

interface Transport {
  _getConnectionUri(): string;
  _amqp: { connect(config: { uri: string; sslOptions?: { ca?: string } }, done: () => void): void };
}

describe('attachLocalHubAmqp', () => {
  it("makes the service Client's AMQP transport dial the local AMQPS port with the local CA", () => {
    const client = Client.fromConnectionString(CS);
    const transport = (client as unknown as { _transport: Transport })._transport;
    expect(transport._getConnectionUri()).toBe('amqps://localhost');
    const seen: { uri: string; sslOptions?: { ca?: string } }[] = [];
    transport._amqp.connect = (config) => void seen.push(config);
    reachLocalHub(client, { httpsPort: 9443, amqpPort: 19671, ca: 'PEM' });
    expect(transport._getConnectionUri()).toBe('amqps://localhost:19671');
    transport._amqp.connect({ uri: transport._getConnectionUri() }, () => undefined);
    expect(seen).toEqual([{ uri: 'amqps://localhost:19671', sslOptions: { ca: 'PEM' } }]);
  });

  it('leaves the AMQP transport alone without an AMQP port, and a Registry (REST only) alone', () => {
    const client = reachLocalHub(Client.fromConnectionString(CS), { httpsPort: 9443, ca: 'PEM' });
    expect((client as unknown as { _transport: Transport })._transport._getConnectionUri()).toBe('amqps://localhost');
    expect(() => reachLocalHub(Registry.fromConnectionString(CS), { httpsPort: 9443, amqpPort: 19671, ca: 'PEM' })).not.toThrow();
  });

  it('throws when the SDK is not the shape it knows (another transport, no transport)', () => {
    expect(() => attachLocalHubAmqp(Client.fromConnectionString(CS, AmqpWs), { httpsPort: 9443, amqpPort: 19671, ca: 'PEM' })).toThrow(/AMQP transport \(amqps:\/\/\) only/);
    expect(() => attachLocalHubAmqp({ _transport: {} }, { httpsPort: 9443, amqpPort: 19671, ca: 'PEM' })).toThrow(/needs azure-iothub 1.16/);
  });
});
