/**
 * The CLI process: wires runCli to the real streams and guarantees its exit codes. Whatever happens, the
 * process ends with 0, 1 (the input has errors) or 2 (usage or internal failure, one line on stderr), never
 * with a stack trace:
 * - stdout closed by its reader (`gatehouse validate big.json --json | head -c 10`, EPIPE): the rest of the
 *   output is dropped quietly and the command's own exit code stands;
 * - stdout cannot be written (a full disk, ENOSPC, or any other error): one line on stderr, exit 2;
 * - anything thrown past runCli: one line on stderr, exit 2.
 */
import { runCli } from './main';
import { oneLine } from './one-line';

let stdoutClosed = false;

function fail(message: string): never {
  try {
    process.stderr.write(`gatehouse: ${message}\n`);
  } catch {
    // stderr is gone too: the exit code still says it
  }
  process.exit(2);
}

function onStdoutError(error: NodeJS.ErrnoException): void {
  if (error.code === 'EPIPE') {
    stdoutClosed = true;
    return;
  }
  fail(`cannot write to standard output: ${error.code ?? oneLine(error)}${error.code === 'ENOSPC' ? ' (no space left on the device)' : ''}`);
}

process.stdout.on('error', onStdoutError);
process.on('uncaughtException', (error) => fail(`internal error: ${oneLine(error)}`));
process.on('unhandledRejection', (error) => fail(`internal error: ${oneLine(error)}`));

let stdinText: Promise<string> | undefined;
function readStdin(): Promise<string> {
  stdinText ??= (async () => {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8');
  })();
  return stdinText;
}

const code = await runCli(process.argv.slice(2), {
  stdout: (text) => {
    if (stdoutClosed) return;
    try {
      process.stdout.write(`${text}\n`);
    } catch (error) {
      // a synchronous stream (a file, or a pipe on Linux) may throw instead of emitting 'error'
      onStdoutError(error as NodeJS.ErrnoException);
    }
  },
  stderr: (text) => process.stderr.write(`${text}\n`),
  cwd: process.cwd(),
  env: process.env,
  stdin: readStdin,
}).catch((error: unknown) => fail(`internal error: ${oneLine(error)}`));
process.exitCode = code;
