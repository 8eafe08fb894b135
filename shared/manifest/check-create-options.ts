/**
 * createOptions of one module: the chunk sequence, the 4 KB IoT Hub string limit per chunk, the JSON
 * text as edgeAgent parses it (Newtonsoft, lenient) and the Docker field types. Problems inside the
 * JSON text are located at the exact character of the chunk string that holds them.
 */
import { CheckContext, maskTemplateTokens } from './check-context.js';
import { chunkCreateOptions, readCreateOptionsChunks, type ChunkReading } from './create-options.js';
import { checkCreateOptionsShape, type CreateOptionsIssue } from './docker-create-options.js';
import { childPointer, toPointer } from './json-pointer.js';
import { parseLenientJson } from './lenient-json.js';
import { isObject } from './newtonsoft-compat.js';
import { JsonDocument } from './json-document.js';
import type { PatchOperation } from './diagnostic.js';

const TWIN_STRING_LIMIT = 4096;
const TOOLING_LIMIT = 4096;

export function checkCreateOptions(ctx: CheckContext, settingsPointer: string, name: string, settings: Record<string, unknown>): void {
  const reading = readCreateOptionsChunks(settings);
  if (reading.sequenceProblem) {
    ctx.report('GH3042', childPointer(settingsPointer, reading.sequenceProblem.key), reading.sequenceProblem.message, { part: 'key' });
  }
  for (const key of reading.dropped) {
    ctx.report('GH3044', childPointer(settingsPointer, key), `Module "${name}" has more than 100 createOptions chunks; edgeAgent reads only createOptions..createOptions99 and ignores "${key}", so the options are cut off.`, { part: 'key' });
  }
  const first = reading.chunks[0];
  const objectForm = reading.chunks.length === 1 && first !== undefined && isObject(first.value);
  if (objectForm && first) {
    const pointer = childPointer(settingsPointer, first.key);
    if (!ctx.isTemplate) reportObjectForm(ctx, settingsPointer, pointer, name, first.value as Record<string, unknown>);
    else reportToolingLimit(ctx, pointer, name, JSON.stringify(first.value).length);
    reportShape(ctx, checkCreateOptionsShape(first.value as Record<string, unknown>, { template: ctx.isTemplate }), (path) => ({ pointer: pointer + toPointer(path) }));
    return;
  }
  for (const chunk of reading.chunks) {
    const pointer = childPointer(settingsPointer, chunk.key);
    if (Array.isArray(chunk.value) || isObject(chunk.value)) {
      ctx.report('GH3048', pointer, `${chunk.key} of module "${name}" must be a string holding JSON; an ${Array.isArray(chunk.value) ? 'array' : 'object'} cannot be combined with other chunks.`);
      return;
    }
    if (!ctx.isTemplate && new TextEncoder().encode(chunk.text).length > TWIN_STRING_LIMIT) {
      ctx.report('GH3043', pointer, `${chunk.key} of module "${name}" is longer than 4 KB, the IoT Hub limit for a twin string value; the deployment is refused. Split it into createOptions01, createOptions02, … of at most 512 characters.`, {
        fix: splitFix(settingsPointer, reading),
      });
    }
  }
  if (ctx.isTemplate) reportToolingLimit(ctx, childPointer(settingsPointer, first?.key ?? 'createOptions'), name, reading.joined.length);
  checkJoinedText(ctx, settingsPointer, name, reading);
}

function reportToolingLimit(ctx: CheckContext, pointer: string, name: string, length: number): void {
  if (length > TOOLING_LIMIT) {
    ctx.report('GH6004', pointer, `createOptions of module "${name}" is ${length} characters; the VS Code IoT Edge tools and iotedgedev refuse more than 4 KB (8 chunks of 512) when they generate the deployment. Shorten it.`);
  }
}

function checkJoinedText(ctx: CheckContext, settingsPointer: string, name: string, reading: ChunkReading): void {
  // In a template, `${…}` is replaced later; a same-length number keeps offsets (and JSON validity) intact.
  const text = ctx.isTemplate ? maskTemplateTokens(reading.joined) : reading.joined;
  if (text.trim() === '' || text.trim().toLowerCase() === 'null') return;
  const locate = (offset: number, length: number) => locateInChunks(ctx, settingsPointer, reading, offset, length);
  const parsed = parseLenientJson(text);
  if (!parsed.ok) {
    const at = locate(parsed.offset, 1);
    ctx.report('GH3040', at.pointer, `createOptions of module "${name}" is not valid JSON (${parsed.message} at character ${parsed.offset + 1}); edgeAgent rejects the deployment (code 400).${reading.chunks.length > 1 ? ' The chunks are joined without separators before parsing.' : ''}`, { range: at.range });
    return;
  }
  if (!isObject(parsed.value)) {
    ctx.report('GH3048', childPointer(settingsPointer, reading.chunks[0]?.key ?? 'createOptions'), `createOptions of module "${name}" must be a JSON object such as {"HostConfig":{…}}; edgeAgent rejects the deployment (code 400).`);
    return;
  }
  if (ctx.isTemplate && parsed.strict && reading.chunks.length === 1 && typeof reading.chunks[0]?.value === 'string' && Object.keys(parsed.value).length > 0 && text === reading.joined) {
    const pointer = childPointer(settingsPointer, reading.chunks[0].key);
    ctx.report('GH3049', pointer, `In a template, createOptions of module "${name}" can be written as a JSON object, which is easier to read and edit; the VS Code tools and iotedgedev turn it back into a string when they generate the deployment.`, {
      fix: { title: 'Convert createOptions to an object', edits: [{ op: 'replace', path: pointer, value: parsed.value }] },
    });
  }
  if (!parsed.strict) {
    const first = reading.chunks[0];
    ctx.report('GH3045', childPointer(settingsPointer, first?.key ?? 'createOptions'), `createOptions of module "${name}" is not strict JSON (comments, single quotes, unquoted names or trailing commas). edgeAgent's parser accepts it, but the VS Code tools, iotedgedev and other readers do not; write strict JSON.`);
  }
  // Indexed lookups (JsonDocument), not findNodeAtLocation: that scans every member per issue.
  const tree = parsed.strict ? JsonDocument.parse(text) : undefined;
  reportShape(ctx, checkCreateOptionsShape(parsed.value, { template: ctx.isTemplate }), (path) => {
    const node = tree?.nodeAt(toPointer(path));
    const keyNode = node?.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    const target = keyNode ?? node;
    return target ? locate(target.offset + (keyNode ? 1 : 0), Math.max(1, target.length - (keyNode ? 2 : 0))) : locate(0, 1);
  });
}

interface Location {
  readonly pointer: string;
  readonly range?: ReturnType<CheckContext['doc']['rangeOf']>;
}

function reportShape(ctx: CheckContext, issues: readonly CreateOptionsIssue[], locate: (path: readonly string[]) => Location): void {
  for (const issue of issues) {
    const at = locate(issue.path);
    const code = issue.kind === 'type' ? 'GH3046' : issue.kind === 'bind' ? 'GH3060' : 'GH3047';
    ctx.report(code, at.pointer, issue.message, at.range ? { range: at.range } : { part: 'key' });
  }
}

/** Maps an offset in the joined createOptions text to the chunk string and the exact range inside it. */
function locateInChunks(ctx: CheckContext, settingsPointer: string, reading: ChunkReading, offset: number, length: number): Location {
  const chunk = [...reading.chunks].reverse().find((c) => c.start <= offset) ?? reading.chunks[0];
  if (!chunk) return { pointer: settingsPointer };
  const pointer = childPointer(settingsPointer, chunk.key);
  if (typeof chunk.value !== 'string') return { pointer };
  const index = Math.min(offset - chunk.start, chunk.text.length);
  return { pointer, range: ctx.doc.rangeInString(pointer, index, Math.max(1, Math.min(length, chunk.text.length - index))) };
}

function reportObjectForm(ctx: CheckContext, settingsPointer: string, pointer: string, name: string, value: Record<string, unknown>): void {
  const chunked = chunkCreateOptions(value, { maxChunks: 100 });
  const edits: PatchOperation[] = chunked.ok
    ? Object.entries(chunked.value).map(([key, text]) => ({ op: key === 'createOptions' ? ('replace' as const) : ('add' as const), path: childPointer(settingsPointer, key), value: text }))
    : [];
  ctx.report('GH3041', pointer, `createOptions of module "${name}" is an object. edgeAgent reads it, but the documented form is a JSON string, and as an object every Docker key must also be a valid twin property name (no '.', '$' or spaces). Convert it to a string.`, {
    ...(edits.length > 0 ? { fix: { title: 'Convert createOptions to a JSON string', edits } } : {}),
  });
}

function splitFix(settingsPointer: string, reading: ChunkReading) {
  const result = chunkCreateOptions(reading.joined, { maxChunks: 100 });
  if (!result.ok) return undefined;
  const edits: PatchOperation[] = reading.chunks.map((c) => ({ op: 'remove' as const, path: childPointer(settingsPointer, c.key) }));
  for (const [key, text] of Object.entries(result.value)) edits.push({ op: 'add', path: childPointer(settingsPointer, key), value: text });
  return { title: 'Split createOptions into 512-character chunks', edits };
}
