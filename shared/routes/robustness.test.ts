/**
 * Compiling and evaluating never throw: deterministic mutations of real routes and conditions (deleted,
 * duplicated and replaced characters) must give either a compiled route or a RouteError with a sane column,
 * and every compiled route must evaluate against odd messages without throwing.
 */
import { describe, expect, it } from 'vitest';
import { compileCondition, compileRoute, createMessageContext, evaluate, type CompiledRoute, type RouteMessage } from './index';

const SEEDS = [
  'FROM /messages/modules/sensor/outputs/* WHERE as_number(temp) > 30 AND $connectionModuleId = \'sensor\' INTO BrokeredEndpoint("/modules/f/inputs/i")',
  "SELECT * FROM /* WHERE $body.a.b[0] <> 'x' OR NOT is_defined({$body.c}) ?? true INTO $upstream",
  'FROM /messages/* WHERE concat(lower(a), \'|\', substring(b, 1, 2)) = "q\\"" AND (3 % 2 = 1) /* c */ INTO $upstream',
  "FROM /twinChangeNotifications WHERE twin_change_includes(properties.reported.x) INTO $upstream",
];
const ALPHABET = ` /*()'"\\$.,=<>!?|%+-{}[]@;:\naAzZ09_xINTOFROMWHERE`;

function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

function mutate(text: string, random: () => number): string {
  let out = text;
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (out.length + 1));
    const ch = ALPHABET[Math.floor(random() * ALPHABET.length)] as string;
    const op = random();
    out = op < 0.33 ? out.slice(0, at) + out.slice(at + 1) : op < 0.66 ? out.slice(0, at) + ch + out.slice(at) : out.slice(0, at) + ch + out.slice(at + 1);
  }
  return out;
}

const MESSAGES: RouteMessage[] = [
  { body: new Uint8Array([0xff, 0xfe, 0x7b]), properties: { temp: 'NaN', a: '' }, systemProperties: { contentType: 'application/json', contentEncoding: 'utf-16' }, source: { kind: 'module', moduleId: 'sensor', output: 'o' } },
  { body: '{"a":{"b":[{"c":1}]},"c":null}', properties: { temp: '31', 'A': 'x', b: 'hello' }, systemProperties: { contentType: 'application/json', contentEncoding: 'utf-8', connectionModuleId: 'sensor' }, source: { kind: 'device', deviceId: 'd' } },
  { body: '[1,2]', properties: { b: null }, systemProperties: { contentType: 'text/plain' }, source: { kind: 'twinChangeNotification' } },
];

describe('robustness', () => {
  it('never throws while compiling or evaluating mutated routes', () => {
    const random = lcg(7);
    const compiled: CompiledRoute[] = [];
    let errors = 0;
    for (let i = 0; i < 3000; i++) {
      const seed = SEEDS[i % SEEDS.length] as string;
      const text = mutate(seed, random);
      const result = compileRoute(text, { enableTwinChangeIncludes: i % 2 === 0 });
      if (result.ok) compiled.push(result.value);
      else {
        errors++;
        expect(result.error.column, text).toBeGreaterThanOrEqual(1);
        expect(result.error.column, text).toBeLessThanOrEqual(text.length + 1);
        expect(result.error.message, text).toMatch(/column \d+/);
      }
      const condition = text.replace(/^.*?WHERE /s, '').replace(/ INTO .*$/s, '');
      expect(() => compileCondition(condition)).not.toThrow();
    }
    expect(errors).toBeGreaterThan(100);
    expect(compiled.length).toBeGreaterThan(100);
    for (const message of MESSAGES) {
      const ctx = createMessageContext(message);
      for (const route of compiled) expect(typeof evaluate(route, ctx)).toBe('boolean');
    }
  });
});
