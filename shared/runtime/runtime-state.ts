/**
 * The one derivation of the local runtime's state: the header of the Runtime area, the status bar, the Overview,
 * `gatehouse status`, `gatehouse runtime status` and their `--json` all show what this function returns, computed
 * once on the host (status and runtime services) from the agent's snapshot. Nothing else derives a runtime word.
 *
 * The words, by precedence (the first that applies wins):
 *   unavailable  danger   The container engine does not answer: the modules can be neither seen nor changed.
 *   idle         neutral  Nothing to run: no deployment applied, or the applied one has no modules.
 *   applying     busy     The agent is working through the steps of a newly applied deployment (its first pass).
 *   failing      danger   The runtime cannot bring the deployment up by itself: a step failed (an image missing,
 *                         a name taken, the engine refused), or a module that should run has given up (failed:
 *                         its restarts used up, or exited with an error its restart policy does not restart; dead).
 *   degraded     warning  Applied, but a module that should run does not run, and the runtime keeps at it or
 *                         leaves it by policy: in backoff (crashed; restarted after a cool-off), unhealthy,
 *                         exited cleanly and not restarted by its policy, or not created yet.
 *   stopped      neutral  Applied, and every module is stopped on purpose (desired status stopped).
 *   running      ok       Every module that should run runs (others are stopped on purpose).
 *
 * Modules keep IoT Edge's own words (`runtimeStatus`: running, backoff, unhealthy, stopped, failed, dead,
 * unknown); `moduleTone` gives them the same colours.
 */

export const RUNTIME_STATES = ['unavailable', 'idle', 'applying', 'failing', 'degraded', 'stopped', 'running'] as const;
export type RuntimeStateWord = (typeof RUNTIME_STATES)[number];

/** Colours, by meaning: ok (green), warning (amber), danger (red), neutral (grey), busy (blue, in progress). */
export const TONES = ['ok', 'warning', 'danger', 'neutral', 'busy'] as const;
export type Tone = (typeof TONES)[number];

export const STATE_TONE: Readonly<Record<RuntimeStateWord, Tone>> = {
  unavailable: 'danger',
  idle: 'neutral',
  applying: 'busy',
  failing: 'danger',
  degraded: 'warning',
  stopped: 'neutral',
  running: 'ok',
};

export interface RuntimeState {
  readonly state: RuntimeStateWord;
  readonly tone: Tone;
  /** One or two sentences: what the word means here and now (which modules, which deployment version). */
  readonly summary: string;
}

/** IoT Edge's reported module status (edgeAgent's `runtimeStatus`). */
export type ModuleRuntimeStatus = 'unknown' | 'backoff' | 'running' | 'unhealthy' | 'stopped' | 'failed' | 'dead';

export interface RuntimeStateInput {
  readonly engine: { readonly state: 'checking' | 'available' | 'unavailable'; readonly reason?: string };
  readonly agent:
    | { readonly state: 'idle' }
    | { readonly state: 'reconciling'; readonly version: number; readonly done?: number; readonly total?: number }
    | { readonly state: 'converged'; readonly version: number }
    | { readonly state: 'failing'; readonly version: number; readonly reason: string }
    | { readonly state: 'engineUnavailable'; readonly reason: string };
  /** The applied deployment's version; 0 when none was ever applied. */
  readonly version: number;
  /** The version of the agent's last completed reconcile pass (0: none yet). A pass of an older one is "applying". */
  readonly reconciledVersion: number;
  /** The outcome of that pass (200: every step succeeded; otherwise `description` says what failed). */
  readonly lastDesiredStatus: { readonly code: number; readonly description: string };
  readonly modules: readonly {
    readonly name: string;
    readonly desiredStatus: 'running' | 'stopped';
    readonly runtimeStatus: ModuleRuntimeStatus;
    readonly exitCode?: number;
    readonly restartCount: number;
    readonly restartPolicy: string;
  }[];
  /** IoT Edge's maxRestartCount (20). */
  readonly maxRestartCount?: number;
}

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;
const sentence = (text: string) => (/[.!?]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`);
/** At most three items named, then "and N more". */
function listOf(items: readonly string[]): string {
  if (items.length <= 3) return items.join('; ');
  return `${items.slice(0, 3).join('; ')}; and ${items.length - 3} more`;
}

type Module = RuntimeStateInput['modules'][number];

/** Why a module that should run has given up, or undefined when it has not. */
function givenUp(m: Module, maxRestartCount: number): string | undefined {
  if (m.desiredStatus !== 'running') return undefined;
  if (m.runtimeStatus === 'dead') return `${m.name} is dead (the engine could not stop or remove its container cleanly)`;
  if (m.runtimeStatus !== 'failed') return undefined;
  const code = m.exitCode === undefined ? '' : ` with code ${m.exitCode}`;
  return m.restartCount >= maxRestartCount && m.restartPolicy !== 'never'
    ? `${m.name} failed: it exited${code} and has used up its ${maxRestartCount} restarts`
    : `${m.name} failed: it exited${code} and its restart policy (${m.restartPolicy}) does not restart it`;
}

/** Why a module that should run does not run while the runtime keeps at it (or leaves it by policy). */
function notRunning(m: Module): string | undefined {
  if (m.desiredStatus !== 'running') return undefined;
  switch (m.runtimeStatus) {
    case 'running':
    case 'failed':
    case 'dead':
      return undefined;
    case 'backoff':
      return `${m.name} is in backoff (it exited${m.exitCode === undefined ? '' : ` with code ${m.exitCode}`}; ${plural(m.restartCount, 'restart')} so far)`;
    case 'unhealthy':
      return `${m.name} is unhealthy`;
    case 'stopped':
      return `${m.name} exited${m.exitCode === undefined ? '' : ` with code ${m.exitCode}`} and its restart policy (${m.restartPolicy}) does not restart it`;
    case 'unknown':
      return `${m.name} has no container yet`;
  }
}

function make(state: RuntimeStateWord, summary: string): RuntimeState {
  return { state, tone: STATE_TONE[state], summary: sentence(summary) };
}

export function deriveRuntimeState(input: RuntimeStateInput): RuntimeState {
  const { agent, version, modules } = input;
  const max = input.maxRestartCount ?? 20;
  if (input.engine.state === 'unavailable' || agent.state === 'engineUnavailable') {
    const reason = agent.state === 'engineUnavailable' ? agent.reason : (input.engine.reason ?? '');
    return make('unavailable', `The container engine does not answer${reason ? ` (${reason.replace(/[.\s]+$/, '')})` : ''}. The runtime resumes when it answers again`);
  }
  if (version === 0 || agent.state === 'idle') return make('idle', 'No deployment applied');
  if (modules.length === 0) return make('idle', `Deployment v${version} has no modules`);
  if (agent.state === 'reconciling' && agent.version > input.reconciledVersion) {
    const step = agent.total ? `: step ${Math.min(agent.total, (agent.done ?? 0) + 1)} of ${agent.total}` : '';
    return make('applying', `Applying deployment v${agent.version}${step}`);
  }

  const shouldRun = modules.filter((m) => m.desiredStatus === 'running');
  const running = shouldRun.filter((m) => m.runtimeStatus === 'running').length;
  const onPurpose = modules.length - shouldRun.length;
  const count = `${running} of ${plural(shouldRun.length, 'module')} running${onPurpose ? `, ${onPurpose} stopped on purpose` : ''} (deployment v${version})`;

  // A failed step: the agent's own verdict, or the last pass's while a later pass of the same version runs.
  const stepFailure = agent.state === 'failing' ? agent.reason : agent.state === 'reconciling' && input.lastDesiredStatus.code !== 200 ? input.lastDesiredStatus.description : '';
  const gaveUp = modules.flatMap((m) => givenUp(m, max) ?? []);
  const waiting = modules.flatMap((m) => notRunning(m) ?? []);
  if (stepFailure || gaveUp.length) {
    const parts = [...(gaveUp.length ? [sentence(listOf(gaveUp))] : []), ...(stepFailure ? [sentence(stepFailure)] : []), ...(waiting.length ? [sentence(listOf(waiting))] : [])];
    return make('failing', `${count}. ${parts.join(' ')}`);
  }
  if (waiting.length) return make('degraded', `${count}: ${listOf(waiting)}`);
  if (shouldRun.length === 0) return make('stopped', `All ${plural(modules.length, 'module')} stopped on purpose (deployment v${version})`);
  return make('running', count);
}

/** The colour of a module's IoT Edge status, in the same tones as the runtime's words. */
export function moduleTone(status: ModuleRuntimeStatus): Tone {
  switch (status) {
    case 'running':
      return 'ok';
    case 'backoff':
    case 'unhealthy':
      return 'warning';
    case 'failed':
    case 'dead':
      return 'danger';
    case 'stopped':
    case 'unknown':
      return 'neutral';
  }
}
