/**
 * Manifests for tests: a minimal deployment around given modules and routes, and a synthetic gateway of
 * `moduleCount` modules and `routeCount` routes (deterministic: a seeded generator) for layout tests.
 */

export interface ManifestParts {
  readonly modules?: readonly string[];
  readonly routes?: Readonly<Record<string, unknown>>;
  readonly hubSchema?: string;
}

/** A deployment manifest with the given custom modules and `$edgeHub` routes, pretty-printed. */
export function manifest({ modules = [], routes = {}, hubSchema = '1.1' }: ManifestParts): string {
  const moduleEntries = Object.fromEntries(
    modules.map((name) => [name, { version: '1.0', type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: `example.azurecr.io/${name.toLowerCase()}:1.0`, createOptions: '' } }]),
  );
  return JSON.stringify(
    {
      modulesContent: {
        $edgeAgent: {
          'properties.desired': {
            schemaVersion: '1.1',
            runtime: { type: 'docker', settings: { minDockerVersion: 'v1.25' } },
            systemModules: {
              edgeAgent: { type: 'docker', settings: { image: 'mcr.microsoft.com/azureiotedge-agent:1.5' } },
              edgeHub: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'mcr.microsoft.com/azureiotedge-hub:1.5' } },
            },
            modules: moduleEntries,
          },
        },
        $edgeHub: { 'properties.desired': { schemaVersion: hubSchema, routes, storeAndForwardConfiguration: { timeToLiveSecs: 7200 } } },
      },
    },
    null,
    2,
  );
}

const NAMES = [
  'opcPublisher', 'modbusReader', 'bacnetGateway', 'cameraCapture', 'tempSensor',
  'protocolTranslator', 'filterModule', 'deduplicator', 'unitConverter', 'anomalyDetector',
  'imageClassifier', 'aggregator', 'alertRouter', 'compressor', 'ruleEngine',
  'localDashboard', 'blobUploader', 'sqlWriter', 'historian', 'commandHandler',
];

const CONDITIONS = [
  "as_number(temperature) > 30",
  "$body.severity = 'critical'",
  "alertType = 'overheat'",
  "is_defined($body.anomaly)",
  "$connectionModuleId = 'opcPublisher'",
];

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A plausible gateway: modules in four tiers (ingest → transform → analyse → deliver); routes flow to a later
 * tier, or to $upstream. Includes a `/messages/*` route, conditions, object routes with priority and TTL,
 * one route to a module that is not deployed and one broken route.
 */
export function syntheticManifest(moduleCount = 20, routeCount = 50, seed = 7): string {
  const random = mulberry32(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const modules = Array.from({ length: moduleCount }, (_, i) => NAMES[i] ?? `module${i + 1}`);
  const tier = (i: number) => Math.floor((i * 4) / moduleCount);
  const routes: Record<string, unknown> = {};
  const add = (name: string, value: unknown) => {
    routes[name] = value;
  };
  add('allToCloud', 'FROM /messages/* WHERE NOT is_defined($connectionModuleId) INTO $upstream');
  add('toArchive', 'FROM /messages/modules/historian/outputs/archive INTO BrokeredEndpoint("/modules/archiveWriter/inputs/records")');
  add('brokenFilter', "FROM /messages/modules/filterModule/outputs/out WHERE temperature >> 3 INTO $upstream");
  for (let i = 0; Object.keys(routes).length < routeCount; i++) {
    const from = Math.floor(random() * moduleCount);
    const fromName = modules[from] as string;
    const output = pick(['output1', 'telemetry', 'alerts', '*']);
    const source = output === '*' ? `/messages/modules/${fromName}/outputs/*` : `/messages/modules/${fromName}/outputs/${output}`;
    const later = modules.filter((_, j) => tier(j) > tier(from));
    const condition = random() < 0.3 ? ` WHERE ${pick(CONDITIONS)}` : '';
    const toCloud = later.length === 0 || random() < 0.2;
    const sink = toCloud ? '$upstream' : `BrokeredEndpoint("/modules/${pick(later)}/inputs/${pick(['input1', 'telemetry', 'control'])}")`;
    const text = `FROM ${source}${condition} INTO ${sink}`;
    const name = `r${String(i + 1).padStart(2, '0')}_${fromName}`;
    if (random() < 0.25) add(name, { route: text, priority: Math.floor(random() * 10), timeToLiveSecs: pick([0, 60, 3600, 86400]) });
    else add(name, text);
  }
  return manifest({ modules, routes });
}
