import { z } from 'zod';
import { ERROR_CODES } from '../errors';

/** Frames of the WebSocket transport (the Electron bridge carries the same invoke/result/event shapes). */
export const ClientFrame = z.discriminatedUnion('t', [
  z.object({ t: z.literal('invoke'), id: z.number().int().nonnegative(), method: z.string().max(200), params: z.unknown() }),
  z.object({ t: z.literal('sub'), event: z.string().max(200) }),
  z.object({ t: z.literal('unsub'), event: z.string().max(200) }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

export const WireError = z.object({ code: z.enum(ERROR_CODES), message: z.string(), details: z.unknown().optional() });

export const WireResult = z.union([
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: WireError }),
]);

export const ServerFrame = z.discriminatedUnion('t', [
  z.object({ t: z.literal('result'), id: z.number().int().nonnegative(), result: WireResult }),
  z.object({ t: z.literal('event'), event: z.string(), payload: z.unknown() }),
  z.object({ t: z.literal('error'), error: WireError }),
]);
export type ServerFrame = z.infer<typeof ServerFrame>;

/** The largest frame either side accepts. Manifests are at most a few hundred KiB; this leaves room. */
export const MAX_FRAME_BYTES = 8 * 1024 * 1024;

/** The WebSocket close code the served console sends open pages when its token is rotated (4000–4999: ours). */
export const CLOSE_TOKEN_ROTATED = 4401;
