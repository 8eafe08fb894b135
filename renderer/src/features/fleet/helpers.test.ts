import { describe, expect, it } from 'vitest';
import { hubProblem } from './hub-error';
import { edgeAgentPresets, MAX_PAYLOAD_BYTES, methodStatusTone, parsePayload } from './method-call';
import { hasSecret, maskConnectionString } from './secrets';
import { editableTwinText, twinPatchFromText } from './twin-edit';

describe('maskConnectionString', () => {
  it.each([
    ['HostName=h;DeviceId=d;SharedAccessKey=abc+/=', 'HostName=h;DeviceId=d;SharedAccessKey=••••••••', true],
    ['HostName=h;DeviceId=d;ModuleId=m;SharedAccessKey=k;GatewayHostName=g', 'HostName=h;DeviceId=d;ModuleId=m;SharedAccessKey=••••••••;GatewayHostName=g', true],
    ['HostName=h;DeviceId=d;x509=true', 'HostName=h;DeviceId=d;x509=true', false],
  ])('%s', (input, masked, secret) => {
    expect(maskConnectionString(input)).toBe(masked);
    expect(hasSecret(input)).toBe(secret);
  });
});

describe('parsePayload', () => {
  it.each<[string, unknown]>([
    ['', null],
    ['  ', null],
    ['{"a": 1}', { a: 1 }],
    ['42', 42],
    ['"text"', 'text'],
  ])('%j is sent as %j', (text, value) => expect(parsePayload(text)).toEqual({ ok: true, value }));

  it('says what is wrong with text that is not JSON', () => {
    expect(parsePayload('{a: 1}')).toMatchObject({ ok: false, message: expect.stringMatching(/^The payload is not JSON: /) });
  });

  it('refuses a payload over 128 KiB before sending it', () => {
    const big = JSON.stringify({ data: 'x'.repeat(MAX_PAYLOAD_BYTES) });
    expect(parsePayload(big)).toMatchObject({ ok: false, message: expect.stringMatching(/at most 131,072 \(128 KiB\)/) });
  });

  it('presets for the agent name the module and parse', () => {
    const presets = edgeAgentPresets('tempSensor');
    expect(presets.map((p) => [p.methodName, p.moduleId])).toEqual([
      ['ping', '$edgeAgent'],
      ['RestartModule', '$edgeAgent'],
      ['GetModuleLogs', '$edgeAgent'],
    ]);
    expect(presets.map((p) => parsePayload(p.payload))).toEqual([
      { ok: true, value: null },
      { ok: true, value: { schemaVersion: '1.0', id: 'tempSensor' } },
      { ok: true, value: { schemaVersion: '1.0', items: [{ id: 'tempSensor', filter: { tail: 100 } }], encoding: 'none', contentType: 'text' } },
    ]);
  });

  it.each([
    [200, 'ok'],
    [204, 'ok'],
    [404, 'warning'],
    [400, 'danger'],
    [500, 'danger'],
  ] as const)('status %d reads %s', (status, tone) => expect(methodStatusTone(status)).toBe(tone));
});

const twin = {
  deviceId: 'd',
  etag: 'AAAA',
  tags: { site: 'north', owner: { team: 'a' } },
  properties: {
    desired: { interval: 5, thresholds: { high: 30, low: 5 }, $version: 4, $metadata: { $lastUpdated: 'x' } },
    reported: { interval: 5, $version: 9 },
  },
};

describe('twin editing: the text and the patch it makes', () => {
  it('shows tags and desired properties without the hub bookkeeping', () => {
    expect(JSON.parse(editableTwinText(twin))).toEqual({ tags: { site: 'north', owner: { team: 'a' } }, properties: { desired: { interval: 5, thresholds: { high: 30, low: 5 } } } });
  });

  it.each<[string, (t: { tags: Record<string, unknown>; properties: { desired: Record<string, unknown> } }) => void, unknown, number]>([
    ['no change', () => {}, {}, 0],
    ['a changed desired value', (t) => (t.properties.desired.interval = 10), { properties: { desired: { interval: 10 } } }, 1],
    ['a removed nested member is null', (t) => delete (t.properties.desired.thresholds as Record<string, unknown>).low, { properties: { desired: { thresholds: { low: null } } } }, 1],
    ['a new tag and a removed one', (t) => ((t.tags.region = 'eu'), delete t.tags.site), { tags: { site: null, region: 'eu' } }, 2],
    ['an object replaced by a value', (t) => (t.tags.owner = 'b'), { tags: { owner: 'b' } }, 1],
  ])('%s', (_name, edit, patch, changes) => {
    const edited = JSON.parse(editableTwinText(twin));
    edit(edited);
    expect(twinPatchFromText(twin, JSON.stringify(edited))).toEqual({ ok: true, patch, changes });
  });

  it.each([
    ['{', /^The text is not JSON/],
    ['[]', /must be an object/],
    ['{"etag": "x"}', /not "etag"/],
    ['{"properties": {"reported": {}}}', /reported properties belong to the device/],
    ['{"tags": 3}', /"tags" must be an object/],
    ['{"properties": {"desired": {"$version": 3}}}', /"\$version" is the hub's own member/],
  ])('refuses %s', (text, message) => expect(twinPatchFromText(twin, text)).toMatchObject({ ok: false, message: expect.stringMatching(message) }));
});

describe('hubProblem: the error code decides the title', () => {
  it.each([
    [{ code: 'DISCONNECTED', message: 'No hub is connected: the embedded local hub is not running in this process' }, 'The hub is not reachable', /No hub is connected/],
    [{ code: 'BAD_REQUEST', message: "cannot run the query: Syntax error at 'WHER'" }, 'The hub refused to list the devices', /Syntax error/],
    [{ code: 'UNAUTHORIZED', message: 'x' }, "The hub refused the console's credentials", /x/],
    [{ code: 'SOMETHING', message: '' }, 'Could not list the devices', /no reason given/],
    [new Error('boom'), 'Could not list the devices', /boom/],
  ])('%j', (error, title, message) => {
    const problem = hubProblem(error, 'list the devices');
    expect(problem.title).toBe(title);
    expect(problem.message).toMatch(message);
  });
});
