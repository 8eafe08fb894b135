/**
 * Lexical checks that a forgiving parse hides: comments and trailing commas. A deployment manifest is
 * strict JSON for every tool on its way to the device: IoT Hub, `az iot edge set-modules`, iotedgedev
 * (Python `json.loads`) and the VS Code IoT Edge extension (fs-extra `readJson`, i.e. `JSON.parse`)
 * all refuse them, templates included. So both are errors, located exactly.
 */
import { createScanner } from 'jsonc-parser';

export interface SyntaxProblem {
  /**
   * `error`: not JSON even for a forgiving parser; `comment` / `trailing-comma`: forgiven by jsonc only;
   * `too-deep`: a container past the nesting limit, read as empty (json-depth.ts).
   */
  readonly kind: 'error' | 'comment' | 'trailing-comma' | 'too-deep';
  readonly offset: number;
  readonly length: number;
  readonly message: string;
}

// jsonc-parser's SyntaxKind values (a const enum, which isolatedModules cannot import).
const TOKEN = {
  OpenBrace: 1,
  CloseBrace: 2,
  OpenBracket: 3,
  CloseBracket: 4,
  Comma: 5,
  LineComment: 12,
  BlockComment: 13,
  LineBreak: 14,
  Trivia: 15,
  EOF: 17,
} as const;

export function scanLexicalProblems(text: string): SyntaxProblem[] {
  const scanner = createScanner(text, false);
  const problems: SyntaxProblem[] = [];
  let lastSignificant: { kind: number; offset: number } | undefined;
  for (let kind = scanner.scan(); kind !== TOKEN.EOF; kind = scanner.scan()) {
    const offset = scanner.getTokenOffset();
    const length = scanner.getTokenLength();
    if (kind === TOKEN.LineComment || kind === TOKEN.BlockComment) {
      problems.push({
        kind: 'comment',
        offset,
        length,
        message: 'Comments are not allowed in JSON: IoT Hub, az CLI, iotedgedev and the VS Code IoT Edge tools reject the file. Remove the comment.',
      });
      continue;
    }
    if (kind === TOKEN.LineBreak || kind === TOKEN.Trivia) continue;
    if ((kind === TOKEN.CloseBrace || kind === TOKEN.CloseBracket) && lastSignificant?.kind === TOKEN.Comma) {
      const where = kind === TOKEN.CloseBrace ? 'object' : 'array';
      problems.push({
        kind: 'trailing-comma',
        offset: lastSignificant.offset,
        length: 1,
        message: `Trailing comma after the last ${where} member is not allowed in JSON: IoT Hub, az CLI, iotedgedev and the VS Code IoT Edge tools reject the file. Remove the comma.`,
      });
    }
    lastSignificant = { kind, offset };
  }
  return problems;
}

const PARSE_ERROR_MESSAGES: Record<number, string> = {
  1: 'Unexpected symbol: this is not JSON here (strings need double quotes; true/false/null are lower-case).',
  2: 'Invalid number format.',
  3: 'A property name in double quotes is expected here.',
  4: 'A value is expected here.',
  5: "A ':' is expected after the property name.",
  6: "A ',' is expected between members: a comma is missing.",
  7: "A closing '}' is expected: a brace is missing.",
  8: "A closing ']' is expected: a bracket is missing.",
  9: 'Unexpected content after the end of the document: a brace may be unbalanced.',
  10: 'Comments are not allowed in JSON.',
  11: "Unterminated block comment: '*/' is missing.",
  12: 'Unterminated string: a closing double quote is missing.',
  13: 'Unterminated number.',
  14: 'Invalid \\u escape: four hex digits are expected.',
  15: 'Invalid escape sequence in a string (valid: \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX).',
  16: 'Invalid character in a string: control characters such as tabs and line breaks must be escaped.',
};

export function parseErrorMessage(code: number): string {
  return PARSE_ERROR_MESSAGES[code] ?? 'JSON syntax error.';
}
