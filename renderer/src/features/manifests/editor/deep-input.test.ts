import { describe, expect, it } from 'vitest';
import { readManifestRoutes } from '../../route-graph/manifest-routes';
import { applyFix } from './apply-fix';
import { addModule } from './modules/module-edits';
import { readModules } from './modules/module-entries';

/**
 * The editor's own parses (modules form, quick fixes, route graph) read the same hostile text the validator
 * bounds: nesting far past the limit must not exhaust the stack in the renderer either.
 */
const DEPTH = 60_000;
const deepArrays = `{"modulesContent": {"$edgeAgent": {"properties.desired": {"modules": {"m": {"settings": {"image": "a"}, "x": ${'['.repeat(DEPTH)}${']'.repeat(DEPTH)}}}}}, "$edgeHub": {"properties.desired": {"routes": {"r": "FROM /messages/* INTO $upstream"}}}}}`;
const deepObjects = `{"modulesContent": {"$edgeHub": {"properties.desired": {"routes": ${'{"a":'.repeat(DEPTH)}1${'}'.repeat(DEPTH)}}}}}`;

describe('editor parses under deep nesting', () => {
  it.each([
    ['arrays', deepArrays],
    ['objects', deepObjects],
  ])('reads modules, routes and applies edits with %s nested %i deep', (_what, text) => {
    expect(() => readModules(text)).not.toThrow();
    expect(() => readManifestRoutes(text)).not.toThrow();
    expect(() => addModule(text, 'extra', 'busybox:1')).not.toThrow();
    expect(() => applyFix(text, { title: 'Set the image', edits: [{ op: 'replace', path: '/modulesContent/$edgeAgent/properties.desired/modules/m/settings/image', value: 'b' }] })).not.toThrow();
  });

  it('still reads the shallow parts of a file whose deep part is cut off', () => {
    const reading = readModules(deepArrays);
    expect(reading.ok && reading.modules.filter((m) => !m.system).map((m) => m.name)).toEqual(['m']);
    expect(readManifestRoutes(deepArrays).routes.map((r) => r.name)).toEqual(['r']);
    // An edit outside the deep part applies to the original text, deep part and all.
    const fixed = applyFix(deepArrays, { title: 'Set the image', edits: [{ op: 'replace', path: '/modulesContent/$edgeAgent/properties.desired/modules/m/settings/image', value: 'b' }] });
    expect(fixed).toBe(deepArrays.replace('"image": "a"', '"image": "b"'));
  });
});
