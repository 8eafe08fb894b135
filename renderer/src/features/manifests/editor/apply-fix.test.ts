import { describe, expect, it } from 'vitest';
import { applyFix } from './apply-fix';

const DOC = `{
  "modulesContent": {
    "$edgeHub": {
      "properties.desired": {
        "SchemaVersion": "1.4",
        "routes": { "r": "FROM /messages/* INTO $upstream" },
        "list": [1, 2, 3]
      }
    }
  }
}`;
const HUB = '/modulesContent/$edgeHub/properties.desired';

describe('applyFix', () => {
  it('replaces a value in place', () => {
    const out = applyFix(DOC, { title: 'Use 1.3', edits: [{ op: 'replace', path: `${HUB}/SchemaVersion`, value: '1.3' }] });
    expect(out).toBe(DOC.replace('"1.4"', '"1.3"'));
  });

  it('renames a key where it stands for a move inside one object', () => {
    const out = applyFix(DOC, { title: 'Rename', edits: [{ op: 'move', from: `${HUB}/SchemaVersion`, path: `${HUB}/schemaVersion` }] });
    expect(out).toBe(DOC.replace('"SchemaVersion"', '"schemaVersion"'));
  });

  it('adds, removes, and indexes arrays by number', () => {
    const added = applyFix(DOC, { title: 'Add', edits: [{ op: 'add', path: `${HUB}/storeAndForwardConfiguration`, value: { timeToLiveSecs: 7200 } }] });
    expect(JSON.parse(added).modulesContent.$edgeHub['properties.desired'].storeAndForwardConfiguration).toEqual({ timeToLiveSecs: 7200 });
    expect(added).toContain('\n        "storeAndForwardConfiguration": {\n          "timeToLiveSecs": 7200\n        }');
    const removed = applyFix(DOC, { title: 'Remove', edits: [{ op: 'remove', path: `${HUB}/routes/r` }] });
    expect(JSON.parse(removed).modulesContent.$edgeHub['properties.desired'].routes).toEqual({});
    const item = applyFix(DOC, { title: 'Item', edits: [{ op: 'replace', path: `${HUB}/list/1`, value: 20 }] });
    expect(JSON.parse(item).modulesContent.$edgeHub['properties.desired'].list).toEqual([1, 20, 3]);
  });

  it('moves across objects by remove + add', () => {
    const out = applyFix(DOC, { title: 'Move', edits: [{ op: 'move', from: `${HUB}/routes`, path: '/routes' }] });
    expect(JSON.parse(out)).toMatchObject({ routes: { r: 'FROM /messages/* INTO $upstream' } });
    expect(JSON.parse(out).modulesContent.$edgeHub['properties.desired'].routes).toBeUndefined();
  });
});
