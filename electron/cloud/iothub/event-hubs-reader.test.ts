import { describe, expect, it } from 'vitest';
import { fromEventHubsError, parseEventHubsConnectionString } from './event-hubs-reader';

const KEY = Buffer.alloc(32, 5).toString('base64');

describe('parseEventHubsConnectionString', () => {
  it('takes the Built-in endpoints string', () => {
    expect(parseEventHubsConnectionString(`Endpoint=sb://ihsuprodam123.servicebus.windows.net/;SharedAccessKeyName=iothubowner;SharedAccessKey=${KEY};EntityPath=myhub`)).toEqual({
      ok: true,
      value: { endpoint: 'sb://ihsuprodam123.servicebus.windows.net/', policy: 'iothubowner', entityPath: 'myhub' },
    });
  });

  it.each([
    [`HostName=myhub.azure-devices.net;SharedAccessKeyName=iothubowner;SharedAccessKey=${KEY}`, 'not its Event Hubs-compatible one'],
    [`Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=iothubowner;SharedAccessKey=${KEY}`, 'has no EntityPath'],
    [`Endpoint=https://ns/;SharedAccessKeyName=a;SharedAccessKey=${KEY};EntityPath=h`, 'sb://'],
    ['Endpoint=sb://ns/;SharedAccessKeyName=a;SharedAccessKey=short;EntityPath=h', 'not a base64 key'],
    ['  ', 'empty'],
  ])('refuses %s', (value, words) => {
    const parsed = parseEventHubsConnectionString(value);
    expect(parsed).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: expect.stringContaining(words) } });
  });
});

describe('fromEventHubsError', () => {
  it('maps the client error codes, taking the last attempt of an AggregateError', () => {
    expect(fromEventHubsError({ code: 'UnauthorizedError', message: 'Unauthorized: the token has expired' }, 'cannot read')).toMatchObject({ code: 'UNAUTHORIZED', message: 'cannot read: Unauthorized: the token has expired' });
    const aggregate = Object.assign(new AggregateError([{ code: 'ServiceUnavailableError', message: 'busy' }, { code: 'UnauthorizedError', message: 'bad key' }], ''), {});
    expect(fromEventHubsError(aggregate, 'x')).toMatchObject({ code: 'UNAUTHORIZED', message: 'x: bad key' });
    expect(fromEventHubsError({ code: 'MessagingEntityNotFoundError', message: 'no entity' }, 'x').code).toBe('NOT_FOUND');
    expect(fromEventHubsError({ code: 'ECONNREFUSED', message: 'refused' }, 'x').code).toBe('DISCONNECTED');
  });
});
