import type { Disposable } from './event-bus';

/**
 * The console is a gateway's control plane: an error that escapes every handler is logged (one line, no secrets:
 * only the error's name, code and message) and the process keeps serving. Installed by `gatehouse serve` and the
 * Electron main process, never by the CLI's one-shot commands, which should fail loudly.
 */
export function installLastResortGuard(log: (line: string) => void): Disposable {
  const report = (kind: string) => (error: unknown) => {
    const e = error as { name?: string; code?: string; message?: string } | undefined;
    const what = e && typeof e === 'object' ? `${e.name ?? 'Error'}${e.code ? ` (${e.code})` : ''}: ${e.message ?? ''}` : String(error);
    log(`gatehouse: ${kind} caught by the last-resort guard; the console keeps running. ${what.slice(0, 300)}`);
  };
  const onException = report('an uncaught exception');
  const onRejection = report('an unhandled rejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return {
    dispose: () => {
      process.off('uncaughtException', onException);
      process.off('unhandledRejection', onRejection);
    },
  };
}
