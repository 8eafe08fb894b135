/**
 * Manifest route entries: string and object forms, priority and TTL rules, schema 1.0 behaviour.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE_PRIORITY, parseRouteEntry } from './index';
import { toUInt32 } from './route-entry';

const ROUTE = 'FROM /messages/* INTO $upstream';

describe('parseRouteEntry', () => {
  it('reads a string route with default priority and TTL', () => {
    const result = parseRouteEntry('toCloud', ROUTE);
    expect(result.ok).toBe(true);
    if (!result.ok || result.value.kind !== 'route') return;
    expect(result.value).toMatchObject({ name: 'toCloud', text: ROUTE, priority: DEFAULT_ROUTE_PRIORITY, timeToLiveSecs: 0, form: 'string' });
    expect(result.value.route.sink).toEqual({ kind: 'upstream' });
  });

  it.each([
    [{ route: ROUTE }, DEFAULT_ROUTE_PRIORITY, 0],
    [{ route: ROUTE, priority: 0, timeToLiveSecs: 7200 }, 0, 7200],
    [{ route: ROUTE, priority: 9 }, 9, 0],
    [{ route: ROUTE, priority: 2_000_000_000 }, 2_000_000_000, 0],
    [{ Route: ROUTE, PRIORITY: 3, TimeToLiveSecs: 60 }, 3, 60],
    [{ route: ROUTE, priority: 1, timeToLiveSecs: 0, _comment: 'tolerated like any unknown member' }, 1, 0],
    [{ route: ROUTE, priority: '4', timeToLiveSecs: ' 10 ' }, 4, 10],
    [{ route: ROUTE, priority: 2.5 }, 2, 0],
    [{ route: ROUTE, priority: true }, 1, 0],
    [{ route: ROUTE, timeToLiveSecs: 4_294_967_295 }, DEFAULT_ROUTE_PRIORITY, 4_294_967_295],
  ])('reads %j', (value, priority, ttl) => {
    const result = parseRouteEntry('r', value);
    expect(result.ok).toBe(true);
    if (result.ok && result.value.kind === 'route') {
      expect([result.value.priority, result.value.timeToLiveSecs, result.value.form]).toEqual([priority, ttl, 'object']);
    }
  });

  it.each([
    [{ route: ROUTE, priority: 10 }, 'priority', 'between 0-9'],
    [{ route: ROUTE, priority: 50 }, 'priority', 'between 0-9'],
    [{ route: ROUTE, priority: -1 }, 'priority', 'unsigned 32-bit'],
    [{ route: ROUTE, priority: null }, 'priority', 'unsigned 32-bit'],
    [{ route: ROUTE, priority: 'high' }, 'priority', 'unsigned 32-bit'],
    [{ route: ROUTE, timeToLiveSecs: -5 }, 'timeToLiveSecs', 'unsigned 32-bit'],
    [{ route: ROUTE, timeToLiveSecs: 4_294_967_296 }, 'timeToLiveSecs', 'unsigned 32-bit'],
    [{ priority: 1 }, 'route', 'required'],
    [{ route: '   ' }, 'route', 'required'],
    [{ route: 42 }, 'route', 'must be a string'],
    [null, 'value', 'Malformed route specification'],
    [42, 'value', 'Malformed route specification'],
    [[ROUTE], 'value', 'Malformed route specification'],
    ['  ', 'route', 'is empty'],
    ['FROM /messages INTO upstream', 'route', "expected '('"],
  ])('rejects %j', (value, field, fragment) => {
    const result = parseRouteEntry('r', value);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.field).toBe(field);
      expect(result.error.message).toContain(fragment);
      expect(result.error.phase).toBe('parse');
    }
  });

  it('reports route errors with columns in the route text', () => {
    const result = parseRouteEntry('r', { route: 'FROM /messages WHERE temp > 30 INTO $upstream', priority: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatchObject({ field: 'route', column: 27, phase: 'compile' });
  });

  it('rejects an empty route name from schema 1.1 on', () => {
    const result = parseRouteEntry(' ', ROUTE);
    expect(!result.ok && result.error.field).toBe('name');
  });

  it('applies the schema 1.0 rules: strings only, null and blank skipped', () => {
    expect(parseRouteEntry('r', null, { schemaVersion: '1.0' })).toMatchObject({ ok: true, value: { kind: 'skipped' } });
    expect(parseRouteEntry('r', ' ', { schemaVersion: '1.0' })).toMatchObject({ ok: true, value: { kind: 'skipped' } });
    expect(parseRouteEntry('r', { route: ROUTE }, { schemaVersion: '1.0' })).toMatchObject({ ok: false, error: { field: 'value' } });
    expect(parseRouteEntry('r', ROUTE, { schemaVersion: '1.0.0' })).toMatchObject({ ok: true, value: { kind: 'route', priority: DEFAULT_ROUTE_PRIORITY } });
    expect(parseRouteEntry('r', { route: ROUTE }, { schemaVersion: '1.2' })).toMatchObject({ ok: true, value: { kind: 'route' } });
  });
});

describe('toUInt32 (Convert.ChangeType semantics)', () => {
  it.each([
    [0, 0], [7, 7], [4_294_967_295, 4_294_967_295], [4_294_967_296, undefined], [-1, undefined], [-0.4, 0],
    [1.5, 2], [2.5, 2], [3.5, 4], ['12', 12], ['+3', 3], ['-0', 0], ['-1', undefined], ['1.0', undefined],
    ['', undefined], [false, 0], [null, undefined], [{}, undefined], [Infinity, undefined],
  ])('%j -> %j', (input, expected) => {
    expect(toUInt32(input)).toBe(expected);
  });
});
