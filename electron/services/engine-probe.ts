import Docker from 'dockerode';
import type { EngineStatus } from '../../shared/ipc/status.contract';

export interface EngineProbe {
  check(): Promise<EngineStatus>;
}

/** Asks the Docker Engine API (DOCKER_HOST or the default socket) for its version. */
export class DockerEngineProbe implements EngineProbe {
  private readonly docker: Docker;

  constructor(options?: Docker.DockerOptions) {
    this.docker = new Docker({ ...options, timeout: 3000 });
  }

  async check(): Promise<EngineStatus> {
    try {
      const version = await this.docker.version();
      return { state: 'available', name: 'Docker Engine', version: version.Version, apiVersion: version.ApiVersion };
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const reason =
        code === 'ENOENT' || code === 'ECONNREFUSED'
          ? 'The Docker engine is not running (no answer on its socket). Start it, e.g. `sudo systemctl start docker`.'
          : code === 'EACCES'
            ? 'Permission denied on the Docker socket. Add your user to the docker group.'
            : `The Docker engine did not answer: ${(cause as Error).message}`;
      return { state: 'unavailable', reason };
    }
  }
}
