import { createReadStream, createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createInterface } from 'node:readline';
import { appError, err, ok, type Result } from '../../../shared/errors';
import { TappedMessage } from '../../../shared/ipc/edgehub.contract';
import type { DeviceGateway, HubMessage, IdentityRef } from '../../protocol/device-backend';
import { WIRE_PROPERTY_NAMES } from './router';
import { toTapped, type Observed } from './tap';

/**
 * Recording and replay for the Telemetry area: every routed message (not a sample) as one TappedMessage per line of
 * an NDJSON file with its full body (UTF-8 text, else base64), and a recording sent back into a module input in
 * order with its properties. Writes go through a stream (the hot path only queues a line).
 */

export class MessageRecorder {
  private messages = 0;
  private failure: string | undefined;

  private constructor(
    readonly path: string,
    private readonly stream: WriteStream,
  ) {
    stream.on('error', (error) => (this.failure ??= error.message));
  }

  /** Creates `path` (and its folder; an existing file is never overwritten) and resolves once it is open. */
  static async start(path: string): Promise<Result<MessageRecorder>> {
    try {
      await mkdir(dirname(path), { recursive: true });
    } catch (error) {
      return err(appError('IO', `cannot record to ${path}: ${(error as Error).message}`));
    }
    const stream = createWriteStream(path, { flags: 'wx', mode: 0o600 });
    const opened = await new Promise<string | undefined>((resolve) => {
      stream.once('open', () => resolve(undefined));
      stream.once('error', (error) => resolve(error.message));
    });
    if (opened !== undefined) return err(appError(/EEXIST/.test(opened) ? 'CONFLICT' : 'IO', /EEXIST/.test(opened) ? `${path} already exists: a recording never overwrites a file` : `cannot record to ${path}: ${opened}`));
    return ok(new MessageRecorder(path, stream));
  }

  record(observed: Observed): void {
    if (this.failure !== undefined) return;
    this.stream.write(`${JSON.stringify(toTapped(observed, Number.POSITIVE_INFINITY))}\n`);
    this.messages += 1;
  }

  /** Ends the file (flushed and closed) and says how many messages it holds. */
  async stop(): Promise<Result<{ readonly path: string; readonly messages: number }>> {
    await new Promise<void>((resolve) => this.stream.end(() => resolve()));
    if (this.failure !== undefined) return err(appError('IO', `recording to ${this.path} failed: ${this.failure}`));
    return ok({ path: this.path, messages: this.messages });
  }
}

/** A recorded message as the hub sends it to a module input: system properties back under their wire names. */
export function messageFromRecording(tapped: TappedMessage): HubMessage {
  const systemProperties: Record<string, string> = {};
  for (const [name, value] of Object.entries(tapped.systemProperties)) {
    const wire = WIRE_PROPERTY_NAMES[name];
    // The output name and the hub-set enqueued time are not passed on to an input.
    if (wire !== undefined && wire !== 'on') systemProperties[wire] = value;
  }
  const body = tapped.bodyEncoding === 'base64' ? Buffer.from(tapped.body, 'base64') : Buffer.from(tapped.body, 'utf8');
  return { body: new Uint8Array(body), systemProperties, properties: { ...tapped.properties } };
}

/**
 * Sends every message of a recording to `target`'s `input`, in order, each after the previous one was written to the
 * module. Stops at the first line that is not a TappedMessage (BAD_REQUEST) or when the module takes no input
 * messages (NOT_FOUND), saying how many were delivered.
 */
export async function replayRecording(path: string, gateway: DeviceGateway, target: IdentityRef, input: string): Promise<Result<{ readonly delivered: number }>> {
  let delivered = 0;
  const stream = createReadStream(path, { encoding: 'utf8' });
  const opened = await new Promise<string | undefined>((resolve) => {
    stream.once('open', () => resolve(undefined));
    stream.once('error', (error) => resolve(error.message));
  });
  if (opened !== undefined) return err(appError('IO', `cannot read ${path}: ${opened}`));
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  let lineNo = 0;
  try {
    for await (const line of lines) {
      lineNo += 1;
      if (line.trim() === '') continue;
      let parsed: ReturnType<typeof TappedMessage.safeParse>;
      try {
        parsed = TappedMessage.safeParse(JSON.parse(line));
      } catch {
        return err(appError('BAD_REQUEST', `${path}:${lineNo} is not JSON (${delivered} delivered before it)`, { delivered }));
      }
      if (!parsed.success) return err(appError('BAD_REQUEST', `${path}:${lineNo} is not a recorded message (${delivered} delivered before it)`, { delivered }));
      const sent = await gateway.deliver(target, messageFromRecording(parsed.data), input);
      if (!sent) return err(appError('NOT_FOUND', `${target.moduleId ?? target.deviceId} is not connected or takes no input messages (${delivered} delivered)`, { delivered }));
      delivered += 1;
    }
  } catch (cause) {
    return err(appError('IO', `reading ${path} failed: ${String(cause)}`, { delivered }));
  } finally {
    lines.close();
    stream.destroy();
  }
  return ok({ delivered });
}
