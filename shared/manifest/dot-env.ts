/**
 * `.env` files as the IoT Edge tooling reads them (the VS Code extension uses the `dotenv` package,
 * iotedgedev uses python-dotenv): `KEY=value` lines, optional `export ` prefix, `#` comments (whole
 * lines, and after an unquoted value when preceded by whitespace), values in single, double or back
 * quotes (double quotes understand \n, \r, \t, \" and \\; quoted values may span lines), surrounding
 * whitespace trimmed. Later lines win. Lines that are not assignments are ignored.
 */

export function parseDotEnv(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const source = text.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const assignment = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][\w.-]*)[ \t]*=[ \t]*/gm;
  let match: RegExpExecArray | null;
  let resumeAt = 0;
  while ((match = assignment.exec(source)) !== null) {
    if (match.index < resumeAt) continue;
    const key = match[1] ?? '';
    const start = match.index + match[0].length;
    const { value, end } = readValue(source, start);
    Object.defineProperty(result, key, { value, enumerable: true, writable: true, configurable: true });
    resumeAt = end;
    assignment.lastIndex = end;
  }
  return result;
}

function readValue(source: string, start: number): { value: string; end: number } {
  const quote = source[start];
  if (quote === '"' || quote === "'" || quote === '`') {
    const close = findClosingQuote(source, start + 1, quote);
    if (close >= 0) {
      const raw = source.slice(start + 1, close);
      const lineEnd = source.indexOf('\n', close);
      return { value: quote === '"' ? unescapeDouble(raw) : raw, end: lineEnd < 0 ? source.length : lineEnd };
    }
  }
  const lineEnd = source.indexOf('\n', start);
  const end = lineEnd < 0 ? source.length : lineEnd;
  const line = source.slice(start, end);
  const comment = /(^|[ \t])#/.exec(line);
  const value = (comment ? line.slice(0, comment.index) : line).trim();
  return { value, end };
}

function findClosingQuote(source: string, from: number, quote: string): number {
  for (let i = from; i < source.length; i++) {
    if (source[i] === '\\' && quote === '"') {
      i++;
      continue;
    }
    if (source[i] === quote) return i;
  }
  return -1;
}

function unescapeDouble(raw: string): string {
  return raw.replace(/\\([nrt"\\])/g, (_, ch: string) => ({ n: '\n', r: '\r', t: '\t', '"': '"', '\\': '\\' })[ch] ?? ch);
}
