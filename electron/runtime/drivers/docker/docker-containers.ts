import type Dockerode from 'dockerode';
import { err, ok, type Result } from '../../../../shared/errors';
import type { RemoveOptions, StopOptions } from '../driver';
import type {
  ContainerCreateOptions,
  ContainerDetails,
  ContainerFilter,
  ContainerSummary,
  CreatedContainer,
  StateChange,
} from '../driver-model';
import { statusOf, type DockerInvoke } from './docker-errors';
import { labelFilters, toContainerDetails, toContainerSummary } from './docker-mappers';

/**
 * Container lifecycle on the Docker Engine API. Start/stop are idempotent: Docker answers 304 when the
 * container is already in the asked state, which we report as `{changed: false}` (as the docker CLI does).
 */
export class DockerContainers {
  constructor(
    private readonly docker: Dockerode,
    private readonly invoke: DockerInvoke,
  ) {}

  list(filter: ContainerFilter = {}): Promise<Result<ContainerSummary[]>> {
    const labels = labelFilters(filter.labels);
    return this.invoke('list containers', async () => {
      const infos = await this.docker.listContainers({
        all: filter.all ?? true,
        ...(labels.length > 0 ? { filters: { label: labels } } : {}),
      });
      return infos.map(toContainerSummary);
    });
  }

  inspect(idOrName: string): Promise<Result<ContainerDetails>> {
    return this.invoke(`inspect container ${idOrName}`, async () => toContainerDetails(await this.docker.getContainer(idOrName).inspect()));
  }

  create(name: string, options: ContainerCreateOptions): Promise<Result<CreatedContainer>> {
    return this.invoke(`create container ${name}`, async () => {
      // The body goes to the engine as given (IoT Edge createOptions); only the name is ours to set.
      const body = { ...options, name } as unknown as Dockerode.ContainerCreateOptions;
      const container = await this.docker.createContainer(body);
      const warnings = ((container as unknown as { Warnings?: unknown }).Warnings ?? []) as string[];
      return { id: container.id, warnings: Array.isArray(warnings) ? warnings : [] };
    });
  }

  async start(idOrName: string): Promise<Result<StateChange>> {
    return this.idempotent(`start container ${idOrName}`, () => this.docker.getContainer(idOrName).start());
  }

  async stop(idOrName: string, options: StopOptions = {}): Promise<Result<StateChange>> {
    const t = options.timeoutSeconds;
    return this.idempotent(`stop container ${idOrName}`, () => this.docker.getContainer(idOrName).stop(t === undefined ? {} : { t }));
  }

  async restart(idOrName: string, options: StopOptions = {}): Promise<Result<void>> {
    const t = options.timeoutSeconds;
    return this.invoke(`restart container ${idOrName}`, async () => {
      await this.docker.getContainer(idOrName).restart(t === undefined ? {} : { t });
    });
  }

  async remove(idOrName: string, options: RemoveOptions = {}): Promise<Result<void>> {
    return this.invoke(`remove container ${idOrName}`, async () => {
      await this.docker.getContainer(idOrName).remove({ force: options.force ?? false, v: options.volumes ?? false });
    });
  }

  private async idempotent(operation: string, call: () => Promise<unknown>): Promise<Result<StateChange>> {
    let notModified = false;
    const result = await this.invoke(operation, async () => {
      try {
        await call();
      } catch (error) {
        if (statusOf(error) !== 304) throw error;
        notModified = true;
      }
    });
    return result.ok ? ok({ changed: !notModified }) : err(result.error);
  }
}
