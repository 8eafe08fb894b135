/**
 * The deployment-manifest model: the shapes IoT Edge documents, as TypeScript types. Values read from
 * a file are only guaranteed to have these shapes when validation reported no error.
 *
 * A deployment is `{ modulesContent: { "$edgeAgent": {"properties.desired": …}, "$edgeHub": {…}, <twin>: {…} } }`
 * (`moduleContent` is the old spelling). An IoT Hub configuration wraps it as `content.modulesContent`
 * with `id`, `targetCondition` and `priority`. A layered deployment sets paths such as
 * `"properties.desired.modules.<name>"` and `"properties.desired.routes.<name>"` instead of whole twins.
 */

export type ModuleStatus = 'running' | 'stopped';
export type RestartPolicy = 'never' | 'on-failure' | 'on-unhealthy' | 'always';
export type ImagePullPolicy = 'on-create' | 'never';

export interface EnvVar {
  readonly value?: string;
}

export interface DockerSettings {
  readonly image: string;
  /** A JSON string in a deployment; an object is allowed in a template. */
  readonly createOptions?: string | Readonly<Record<string, unknown>>;
  readonly digest?: string;
  /** `createOptions01` … `createOptions99`: continuation chunks of createOptions. */
  readonly [chunk: `createOptions${string}`]: unknown;
}

export interface EdgeModule {
  readonly version?: string;
  readonly type: 'docker';
  readonly status?: ModuleStatus;
  readonly restartPolicy?: RestartPolicy;
  readonly imagePullPolicy?: ImagePullPolicy;
  readonly startupOrder?: number;
  readonly settings: DockerSettings;
  readonly env?: Readonly<Record<string, EnvVar>> | null;
}

export interface RegistryCredential {
  readonly address: string;
  readonly username: string;
  readonly password: string;
}

export interface ManifestIntegrity {
  readonly header?: { readonly signercert?: readonly string[]; readonly intermediatecacert?: readonly string[] };
  readonly signature?: { readonly bytes?: string; readonly algorithm?: string };
}

export interface EdgeAgentDesired {
  readonly schemaVersion: string;
  readonly runtime: {
    readonly type: 'docker';
    readonly settings?: {
      readonly minDockerVersion?: string;
      readonly loggingOptions?: string;
      readonly registryCredentials?: Readonly<Record<string, RegistryCredential>> | null;
    } | null;
  };
  readonly systemModules: { readonly edgeAgent: EdgeModule; readonly edgeHub: EdgeModule };
  readonly modules?: Readonly<Record<string, EdgeModule>> | null;
  readonly integrity?: ManifestIntegrity;
}

export interface RouteObject {
  readonly route: string;
  /** 0 (highest) to 9; default 2000000000. */
  readonly priority?: number;
  /** 0 (default) uses storeAndForwardConfiguration.timeToLiveSecs. */
  readonly timeToLiveSecs?: number;
}

export type RouteValue = string | RouteObject;

export interface StoreAndForwardConfiguration {
  readonly timeToLiveSecs?: number;
  readonly storeLimits?: { readonly maxSizeBytes?: number };
}

export interface EdgeHubDesired {
  readonly schemaVersion: string;
  readonly routes?: Readonly<Record<string, RouteValue | null>> | null;
  readonly storeAndForwardConfiguration?: StoreAndForwardConfiguration;
  readonly mqttBroker?: { readonly bridges?: readonly unknown[]; readonly authorizations?: readonly unknown[] };
  readonly integrity?: ManifestIntegrity;
}

/** A module twin in modulesContent. Layered deployments use `properties.desired.<path>` keys instead. */
export interface ModuleTwinContent {
  readonly 'properties.desired'?: Readonly<Record<string, unknown>>;
  readonly [path: `properties.desired.${string}`]: unknown;
}

export interface ModulesContent {
  readonly $edgeAgent?: ModuleTwinContent & { readonly 'properties.desired'?: EdgeAgentDesired };
  readonly $edgeHub?: ModuleTwinContent & { readonly 'properties.desired'?: EdgeHubDesired };
  readonly [twin: string]: ModuleTwinContent | undefined;
}

export interface DeploymentManifest {
  readonly modulesContent: ModulesContent;
}

/** An IoT Hub configuration (automatic or layered deployment) as the service API returns it. */
export interface IoTHubConfiguration {
  readonly id?: string;
  readonly schemaVersion?: string | null;
  readonly labels?: Readonly<Record<string, string>>;
  readonly content: { readonly modulesContent: ModulesContent };
  readonly targetCondition?: string;
  readonly priority?: number;
  readonly metrics?: unknown;
  readonly etag?: string;
}

export type ManifestKind = 'deployment' | 'template' | 'layered' | 'unknown';

/** Where modulesContent sits in the file (`top level`: the twins without a wrapper, as Set-AzIotHubEdgeModule takes them). */
export type ManifestContainer = 'modulesContent' | 'moduleContent' | 'content.modulesContent' | 'top level';

/** What validateManifest read from a file (present whenever modulesContent was found). */
export interface ParsedManifest {
  readonly container: ManifestContainer;
  /** JSON pointer of the modulesContent object. */
  readonly modulesContentPointer: string;
  readonly modulesContent: ModulesContent;
  readonly edgeAgent?: EdgeAgentDesired;
  readonly edgeHub?: EdgeHubDesired;
  /** Desired properties of custom module twins, by module name. */
  readonly moduleTwins: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** For an IoT Hub configuration object: its identity and targeting. */
  readonly configuration?: { readonly id?: string; readonly targetCondition?: string; readonly priority?: number };
  /** For a layered deployment: per twin, the `properties.desired…` path keys and their values. */
  readonly layers?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}
