import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpus, describeCorpus } from '../../../shared/testing/corpus.test-util';
import { DESIRED_ERROR_PREFIX, parseEdgeHubDesired, routeConfigStatus } from './edgehub-config';

const SAF = { timeToLiveSecs: 7200 };
const desired = (schemaVersion: unknown, extra: Record<string, unknown> = {}) => ({ schemaVersion, routes: {}, storeAndForwardConfiguration: SAF, ...extra });

function refusal(value: unknown): string {
  const parsed = parseEdgeHubDesired(value);
  if (parsed.ok) throw new Error('expected a refusal');
  expect(parsed.error.code).toBe(400);
  expect(parsed.error.description.startsWith(DESIRED_ERROR_PREFIX)).toBe(true);
  return parsed.error.description.slice(DESIRED_ERROR_PREFIX.length);
}

describe('$edgeHub schemaVersion (EDGE-CONTRACTS §9)', () => {
  it.each(['1.0', '1.1', '1.2', '1.3', '1.1.7', '1.3.0.1'])('accepts %s', (version) => {
    expect(parseEdgeHubDesired(desired(version)).ok).toBe(true);
  });

  it.each([['2.0'], ['1.4'], ['0.9'], ['1'], ['abc'], ['']])('refuses %j with a 400', (version) => {
    expect(refusal(desired(version))).toMatch(/SchemaVersion/);
  });

  it('refuses a missing schemaVersion with edgeHub message', () => {
    expect(refusal({ routes: {}, storeAndForwardConfiguration: SAF })).toBe('EdgeHub config missing SchemaVersion');
  });

  it('refuses a document that is not an object', () => {
    refusal(null);
    refusal([]);
    refusal('routes');
  });
});

describe('required members', () => {
  it.each(['1.1', '1.2', '1.3'])('in %s routes and storeAndForwardConfiguration are required', (version) => {
    expect(refusal({ schemaVersion: version, storeAndForwardConfiguration: SAF })).toMatch(/routes/);
    expect(refusal({ schemaVersion: version, routes: {} })).toMatch(/storeAndForwardConfiguration/);
    expect(refusal({ schemaVersion: version, routes: null, storeAndForwardConfiguration: SAF })).toMatch(/routes/);
  });

  it('in 1.0 neither is required, and a null or blank route is skipped', () => {
    const parsed = parseEdgeHubDesired({ schemaVersion: '1.0', routes: { a: null, b: '  ', c: 'FROM /* INTO $upstream' } });
    expect(parsed.ok && parsed.value.routes.map((r) => r.name)).toEqual(['c']);
    expect(parsed.ok && parsed.value.timeToLiveSecs).toBeUndefined();
    expect(parseEdgeHubDesired({ schemaVersion: '1.0' }).ok).toBe(true);
  });

  it('reads the global TTL and the store limit; -1 means no global TTL', () => {
    const parsed = parseEdgeHubDesired(desired('1.1', { storeAndForwardConfiguration: { timeToLiveSecs: 60, storeLimits: { maxSizeBytes: 1000 } } }));
    expect(parsed.ok && [parsed.value.timeToLiveSecs, parsed.value.maxStoreBytes]).toEqual([60, 1000]);
    const infinite = parseEdgeHubDesired(desired('1.1', { storeAndForwardConfiguration: { timeToLiveSecs: -1 } }));
    expect(infinite.ok && infinite.value.timeToLiveSecs).toBeUndefined();
    expect(refusal(desired('1.1', { storeAndForwardConfiguration: { timeToLiveSecs: 'soon' } }))).toMatch(/timeToLiveSecs/);
  });

  it('refuses a 1.2 mqttBroker that is not an object', () => {
    expect(refusal(desired('1.2', { mqttBroker: 'x' }))).toMatch(/mqttBroker/);
    expect(parseEdgeHubDesired(desired('1.2', { mqttBroker: { bridges: [] } })).ok).toBe(true);
  });
});

describe('routes', () => {
  it('compiles string and object routes with priority, TTL and endpoint ids', () => {
    const parsed = parseEdgeHubDesired(
      desired('1.1', {
        routes: {
          up: 'FROM /messages/* INTO $upstream',
          toFilter: { route: 'FROM /messages/modules/sensor/outputs/temperatureOutput INTO BrokeredEndpoint("/modules/filter/inputs/input1")', priority: 3, timeToLiveSecs: 30 },
        },
      }),
    );
    if (!parsed.ok) throw new Error(parsed.error.description);
    const status = routeConfigStatus(parsed.value, { code: 200, description: '' }, 4);
    expect(status).toEqual({
      code: 200,
      description: '',
      lastDesiredVersion: 4,
      routes: [
        { name: 'up', text: 'FROM /messages/* INTO $upstream', priority: 2_000_000_000, ttlSecs: 0, endpoint: '$upstream' },
        { name: 'toFilter', text: 'FROM /messages/modules/sensor/outputs/temperatureOutput INTO BrokeredEndpoint("/modules/filter/inputs/input1")', priority: 3, ttlSecs: 30, endpoint: 'module/filter/input1' },
      ],
    });
  });

  it.each([
    ['a priority outside 0-9', { r: { route: 'FROM /* INTO $upstream', priority: 10 } }, /Error parsing route r - .*priority/],
    ['an unknown function', { ok: 'FROM /* INTO $upstream', r: 'FROM /* WHERE IS_ARRAY(a) INTO $upstream' }, /Error parsing route r - /],
    ['an unsupported system endpoint', { r: 'FROM /* INTO $cloud' }, /Error parsing route r - .*\$cloud/],
    ['a sink address without 4 parts', { r: 'FROM /* INTO BrokeredEndpoint("/modules/m/inputs")' }, /Error parsing route r - /],
    ['a syntax error', { r: 'FROM /* WHERE INTO $upstream' }, /Error parsing route r - /],
    ['an empty route name', { '': 'FROM /* INTO $upstream' }, /Empty route name/],
    ['a malformed route value', { r: 42 }, /Malformed route specification/],
    ['a string comparison with a number', { r: 'FROM /* WHERE temp > 30 INTO $upstream' }, /Error parsing route r - /],
  ])('refuses the whole set for %s', (_what, routes, message) => {
    expect(refusal(desired('1.1', { routes }))).toMatch(message);
  });

  it('accepts the route grammar of the checklist: case-insensitive keywords, SELECT *, both quotes, <> and !=, ||, ??, hex and real literals', () => {
    const parsed = parseEdgeHubDesired(
      desired('1.1', {
        routes: {
          r: "select * FrOm /messages/* wHeRe (a <> 'x' AnD b != \"y\") oR (c || 'd' = 'cd') Or as_number(n) = 0x10 or as_number(f) = 1.5e0 or (m ?? 'z') = 'z' InTo $UPSTREAM",
          s: 'FROM /messages/modules/m/outputs/o INTO brokeredendpoint("/modules/m2/inputs/i")',
        },
      }),
    );
    if (!parsed.ok) throw new Error(parsed.error.description);
    expect(parsed.value.routes.map((r) => r.endpoint)).toEqual(['$upstream', 'module/m2/i']);
  });

  it('refuses twin_change_includes in a deployed route, even FROM /twinChangeNotifications (edgeHub builds custom sources)', () => {
    expect(refusal(desired('1.1', { routes: { t: "FROM /twinChangeNotifications WHERE twin_change_includes('properties.reported.x') INTO $upstream" } }))).toMatch(/Error parsing route t - /);
  });

  it('accepts priority 2000000000 and numeric strings as Newtonsoft does', () => {
    const parsed = parseEdgeHubDesired(desired('1.1', { routes: { r: { route: 'FROM /* INTO $upstream', priority: '2000000000', timeToLiveSecs: '5' } } }));
    expect(parsed.ok && parsed.value.routes[0]).toMatchObject({ priority: 2_000_000_000, ttlSecs: 5 });
  });

  it('keeps $version/$metadata out of the way', () => {
    expect(parseEdgeHubDesired({ ...desired('1.1'), $version: 7, $metadata: { $lastUpdated: 'x' } }).ok).toBe(true);
  });
});

interface ManifestEdgeHub {
  readonly file: string;
  readonly desired: unknown;
}

function manifestEdgeHubs(): ManifestEdgeHub[] {
  const dir = path.join(corpus.dir, 'manifests');
  const found: ManifestEdgeHub[] = [];
  for (const file of readdirSync(dir)) {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    } catch {
      continue; // not strict JSON (the corpus keeps a few on purpose)
    }
    const root = doc as { modulesContent?: Record<string, unknown>; moduleContent?: Record<string, unknown>; content?: { modulesContent?: Record<string, unknown> } };
    const content = root.modulesContent ?? root.moduleContent ?? root.content?.modulesContent;
    const edgeHub = content?.$edgeHub as Record<string, unknown> | undefined;
    if (edgeHub && typeof edgeHub === 'object' && 'properties.desired' in edgeHub) found.push({ file, desired: edgeHub['properties.desired'] });
  }
  return found;
}

describeCorpus('$edgeHub desired properties of the manifest corpus', () => {
  it('parses every manifest without throwing, as a 200 or a 400 with the IoT Edge description', () => {
    const hubs = manifestEdgeHubs();
    expect(hubs.length).toBeGreaterThan(300);
    let accepted = 0;
    const refused: string[] = [];
    for (const hub of hubs) {
      const parsed = parseEdgeHubDesired(hub.desired);
      if (parsed.ok) {
        accepted += 1;
        for (const route of parsed.value.routes) expect(route.endpoint).toMatch(/^(\$upstream|module\/[^/]+\/[^/]+)$/);
      } else {
        expect(parsed.error.description.startsWith(DESIRED_ERROR_PREFIX)).toBe(true);
        refused.push(`${hub.file}: ${parsed.error.description}`);
      }
    }
    // Real manifests are overwhelmingly valid; the refusals are the corpus' broken files (printed for review).
    console.log(`edgehub config corpus: ${accepted} accepted, ${refused.length} refused\n${refused.slice(0, 20).join('\n')}`);
    expect(accepted / hubs.length).toBeGreaterThan(0.9);
    // Each refusal is one IoT Edge also refuses: schema 1.4 (newer than edgeHub 1.x reads) or an unexpanded template variable.
    for (const line of refused) expect(line).toMatch(/unsupported SchemaVersion 1\.4|unexpanded template variable/);
  });
});
