/**
 * Table-driven helpers for condition semantics. The message mirrors the one edgeHub's ConditionCompilerTest
 * evaluates against, so the expected values in the tables are edgeHub's own (facts from
 * edge-hub/core/test/Microsoft.Azure.Devices.Routing.Core.Test/query/ConditionCompilerTest.cs).
 */
import { describe, expect, it } from 'vitest';
import { compileCondition, evaluateCondition, type RouteBool, type RouteMessage } from './index';

export const T = true;
export const F = false;
export const U = undefined;

/** Application properties key1..key3, a null-valued property and `$sys4`; system properties sys1..sys4. */
export const MESSAGE1: RouteMessage = {
  body: new Uint8Array(),
  properties: { key1: 'value1', key2: '3', key3: 'VALUE3', null_value: null, $sys4: 'value4' },
  systemProperties: { sys1: 'sysvalue1', sys2: '4', sys3: 'SYSVALUE3', sysnull: null, sys4: 'sysvalue4' },
  source: { kind: 'device', deviceId: 'device1' },
};

/** A device message with a JSON body (bytes or string) and the system properties `$body` queries need. */
export function jsonMessage(body: Uint8Array | string, system: Record<string, string> = {}, properties: Record<string, string | null> = {}): RouteMessage {
  return {
    body,
    properties,
    systemProperties: { contentType: 'application/json', contentEncoding: 'UTF-8', ...system },
    source: { kind: 'device', deviceId: 'device1' },
  };
}

export const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** Compiles and evaluates `condition` against `message`; throws with the compile error when it does not compile. */
export function evalCondition(condition: string, message: RouteMessage = MESSAGE1): RouteBool {
  const compiled = compileCondition(condition);
  if (!compiled.ok) throw new Error(`${condition}: ${compiled.error.message}`);
  return evaluateCondition(compiled.value, message);
}

export function runCases(title: string, cases: ReadonlyArray<readonly [string, RouteBool]>, message: RouteMessage = MESSAGE1): void {
  describe(title, () => {
    it.each(cases)('%s -> %s', (condition, expected) => {
      expect(evalCondition(condition, message)).toBe(expected);
    });
  });
}

export function runFailures(title: string, conditions: readonly string[]): void {
  describe(title, () => {
    it.each(conditions)('%s does not compile', (condition) => {
      const compiled = compileCondition(condition);
      expect(compiled.ok).toBe(false);
      if (!compiled.ok) {
        expect(compiled.error.column).toBeGreaterThanOrEqual(1);
        expect(compiled.error.column).toBeLessThanOrEqual(condition.length + 1);
      }
    });
  });
}
