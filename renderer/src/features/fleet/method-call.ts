/**
 * Direct methods as the console sends them: the payload text parsed and bounded, and the presets for the IoT Edge
 * agent's built-in methods (ping, RestartModule, GetModuleLogs; EDGE-CONTRACTS.md's agent methods).
 */

/** IoT Hub refuses a direct-method payload over 128 KiB. */
export const MAX_PAYLOAD_BYTES = 128 * 1024;

export type ParsedPayload = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** The payload box: empty is `null` (no payload); otherwise JSON, at most 128 KiB. */
export function parsePayload(text: string): ParsedPayload {
  const trimmed = text.trim();
  if (!trimmed) return { ok: true, value: null };
  const bytes = new TextEncoder().encode(trimmed).length;
  if (bytes > MAX_PAYLOAD_BYTES) return { ok: false, message: `The payload is ${bytes.toLocaleString('en-US')} bytes; IoT Hub takes at most ${MAX_PAYLOAD_BYTES.toLocaleString('en-US')} (128 KiB).` };
  try {
    return { ok: true, value: JSON.parse(trimmed) };
  } catch (cause) {
    return { ok: false, message: `The payload is not JSON: ${(cause as Error).message}` };
  }
}

export interface MethodPreset {
  readonly id: 'ping' | 'restartModule' | 'getModuleLogs';
  readonly label: string;
  readonly moduleId: '$edgeAgent';
  readonly methodName: string;
  readonly payload: string;
}

/** The agent's methods, filled for this device (`module`: a module to restart or read logs of). */
export function edgeAgentPresets(module = 'edgeHub'): readonly MethodPreset[] {
  const json = (value: unknown) => JSON.stringify(value, null, 2);
  return [
    { id: 'ping', label: '$edgeAgent ping', moduleId: '$edgeAgent', methodName: 'ping', payload: '' },
    { id: 'restartModule', label: `RestartModule ${module}`, moduleId: '$edgeAgent', methodName: 'RestartModule', payload: json({ schemaVersion: '1.0', id: module }) },
    {
      id: 'getModuleLogs',
      label: `GetModuleLogs ${module}`,
      moduleId: '$edgeAgent',
      methodName: 'GetModuleLogs',
      payload: json({ schemaVersion: '1.0', items: [{ id: module, filter: { tail: 100 } }], encoding: 'none', contentType: 'text' }),
    },
  ];
}

/** A method's answer status in words: 200-299 is the device's success; the rest is its (or the hub's) refusal. */
export function methodStatusTone(status: number): 'ok' | 'danger' | 'warning' {
  if (status >= 200 && status < 300) return 'ok';
  if (status === 404 || status === 504) return 'warning';
  return 'danger';
}
