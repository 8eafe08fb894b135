/** Reading a deployment document the way IoT Edge tooling does (pure: shared by checks, drift and redaction). */
type Json = Record<string, unknown>;
export const isJsonObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `modulesContent` of a deployment, of the old `moduleContent` spelling, or of an IoT Hub configuration (`content.modulesContent`). */
export function modulesContentOf(document: unknown): Json | undefined {
  if (!isJsonObject(document)) return undefined;
  const content = document.modulesContent ?? document.moduleContent ?? (isJsonObject(document.content) ? document.content.modulesContent : undefined);
  return isJsonObject(content) ? content : undefined;
}

/** A twin entry's `properties.desired`, when it is an object. */
export function desiredOf(twin: unknown): Json | undefined {
  return isJsonObject(twin) && isJsonObject(twin['properties.desired']) ? twin['properties.desired'] : undefined;
}
