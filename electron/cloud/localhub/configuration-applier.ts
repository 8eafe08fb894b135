import { createHash } from 'node:crypto';
import type { Disposable } from '../../runtime/drivers/disposable';
import { assignConfigurations, type ConfigurationAssignment, type TwinDocuments } from './configuration-assignment';
import { configurationMetrics, type ConfigurationMetrics } from './configuration-assignment-metrics';
import type { ConfigurationMetricResults } from './registry-configurations';
import type { LocalHubRegistry } from './registry';

/** How long after a change the deployments are assigned again (changes come in bursts: a bulk import, a deploy). */
const SETTLE_MS = 250;

/**
 * Deployments at scale on the local hub, as IoT Hub runs them: after the registry changes (a configuration, a
 * device's tags, a reported status), the pure assignment (./configuration-assignment) decides which deployment each
 * device gets, and its content is applied to the device's module twins (edge deployments) or device twin (device
 * configurations) through the registry, as `applyConfigurationContent` does. A device's content is applied again
 * only when what it is assigned changes, so a `set-modules` on a device no deployment targets, or one the
 * deployments already agreed on, is left alone. Metrics (targeted, applied, reported successful/failed, custom
 * queries) are computed from the same assignment when a configuration is read.
 */
export class ConfigurationApplier implements Disposable {
  private timer?: NodeJS.Timeout;
  private cached?: { assignment: ConfigurationAssignment; metrics: Map<string, ConfigurationMetrics> };
  /** What was last applied to each twin: a hash of the configuration ids and the content. */
  private readonly applied = new Map<string, string>();
  private readonly subscription: Disposable;
  private running: Promise<void> = Promise.resolve();
  private disposed = false;

  constructor(
    private readonly registry: LocalHubRegistry,
    private readonly log: (line: string) => void = () => undefined,
  ) {
    registry.setConfigurationMetrics((configuration) => this.metricsOf(configuration.id));
    this.subscription = registry.onDidChange(() => {
      this.cached = undefined;
      this.schedule();
    });
    this.schedule();
  }

  /** Resolves when the changes seen so far have been applied (tests). */
  async settled(): Promise<void> {
    while (this.timer) await new Promise((r) => setTimeout(r, SETTLE_MS));
    await this.running;
  }

  private schedule(): void {
    if (this.disposed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.running.then(() => this.apply()).catch((error: unknown) => this.log(`local hub: applying deployments failed: ${String(error)}`));
    }, SETTLE_MS);
    this.timer.unref();
  }

  private compute(): { assignment: ConfigurationAssignment; metrics: Map<string, ConfigurationMetrics> } {
    if (this.cached) return this.cached;
    const twins: TwinDocuments = { devices: this.registry.twinDocuments('devices'), modules: this.registry.twinDocuments('devices.modules') };
    const configurations = this.registry.configurationRecords();
    const assignment = assignConfigurations(configurations, twins);
    this.cached = { assignment, metrics: configurationMetrics(configurations, assignment, twins) };
    return this.cached;
  }

  private metricsOf(id: string): ConfigurationMetricResults | undefined {
    const computed = this.compute().metrics.get(id);
    if (!computed) return undefined;
    return { systemMetrics: { ...computed.systemMetrics.results }, metrics: computed.metrics.results, systemQueries: computed.systemMetrics.queries };
  }

  private async apply(): Promise<void> {
    if (this.disposed) return;
    const { assignment } = this.compute();
    for (const [deviceId, edge] of assignment.edge) {
      const modulesContent = Object.fromEntries(Object.entries(edge.desired).map(([moduleId, desired]) => [moduleId, { 'properties.desired': desired }]));
      await this.applyOnce(deviceId, [edge.baseId, ...edge.layerIds], { modulesContent });
    }
    const records = new Map(this.registry.configurationRecords().map((c) => [c.id, c]));
    for (const [deviceId, device] of assignment.devices) {
      // The configuration's own `properties.desired.<path>` keys: they set those paths and leave the rest.
      const deviceContent = records.get(device.configurationId)?.content['deviceContent'];
      if (deviceContent) await this.applyOnce(deviceId, [device.configurationId], { deviceContent });
    }
  }

  private async applyOnce(deviceId: string, configurationIds: readonly string[], content: Record<string, unknown>): Promise<void> {
    const key = createHash('sha256').update(JSON.stringify([configurationIds, content])).digest('base64');
    if (this.applied.get(deviceId) === key || this.disposed) return;
    const result = await this.registry.applyConfigurationContent(deviceId, content);
    if (result.ok) this.applied.set(deviceId, key);
    else this.log(`local hub: deployment ${configurationIds.join(' + ')} could not be applied to ${deviceId}: ${result.error.message}`);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.subscription.dispose();
    this.registry.setConfigurationMetrics(undefined);
  }
}
