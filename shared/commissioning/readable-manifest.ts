/**
 * A deployment manifest as a reader compares it: JSON, with createOptions strings (JSON in a string) opened up, so a
 * diff names the option that changed. Text that is not JSON stays as `{text}`.
 */
type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export function readableManifest(text: string): unknown {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return { text };
  }
  const visit = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(visit);
    if (!isObject(value)) return value;
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (k === 'createOptions' && typeof v === 'string') {
          try {
            return [k, JSON.parse(v) as unknown];
          } catch {
            return [k, v];
          }
        }
        return [k, visit(v)];
      }),
    );
  };
  return visit(doc);
}
