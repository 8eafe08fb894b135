/**
 * The CLI's command registry contract. Each command is one file under `electron/cli/commands/`,
 * registered in `electron/cli/registry.ts`. Output convention: with `--json`, a command prints exactly one JSON
 * document on stdout (stable shapes: scripts depend on them); human output otherwise. Diagnostics go to stderr.
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Standard input as text, read once (later calls get the same text); for the file name `-`. */
  readonly stdin?: () => Promise<string>;
}

export interface CliOption {
  readonly type: 'boolean' | 'string';
  readonly short?: string;
  readonly multiple?: boolean;
  readonly description: string;
}

export interface CliCommand {
  /** Words that select the command, e.g. ['routes', 'check']. */
  readonly path: readonly string[];
  readonly summary: string;
  /** e.g. '<files...>' */
  readonly usage: string;
  readonly options: Readonly<Record<string, CliOption>>;
  /**
   * Returns the process exit code: 0 ok, 1 the input has errors (e.g. an invalid manifest), 2 usage error or
   * internal failure (runCli turns anything thrown into a one-line message and 2).
   */
  run(args: { positionals: string[]; values: Record<string, string | boolean | string[] | undefined>; io: CliIo }): Promise<number>;
}
