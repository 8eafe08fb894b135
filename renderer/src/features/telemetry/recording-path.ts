/**
 * Where a recording goes unless the user says otherwise: `<dataDir>/recordings/<local time>.ndjson`, with the
 * separator the data folder itself uses (the host may be Windows while the page is anywhere).
 */
const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-12-03_14-05-09`: the local time, sortable, and valid in a file name on every system (no colons). */
export function recordingStamp(at: Date): string {
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}_${pad(at.getHours())}-${pad(at.getMinutes())}-${pad(at.getSeconds())}`;
}

export function pathSeparator(dir: string): '/' | '\\' {
  return dir.includes('\\') && !dir.includes('/') ? '\\' : '/';
}

export function defaultRecordingPath(dataDir: string, at: Date): string {
  const sep = pathSeparator(dataDir);
  const base = dataDir.length > 1 ? dataDir.replace(/[\\/]+$/, '') : dataDir;
  return `${base}${base.endsWith(sep) ? '' : sep}recordings${sep}${recordingStamp(at)}.ndjson`;
}
