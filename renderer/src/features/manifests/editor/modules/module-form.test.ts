import { applyEdits } from 'jsonc-parser';
import { describe, expect, it } from 'vitest';
import { addModule, editModule, removeModule, type ModulePatch } from './module-edits';
import { readModules, type ModuleEntry } from './module-entries';

/** A deployment with one custom module; `settings` and `extra` are spliced into it as written. */
function manifest(settings: string, extra = '', template = false): string {
  return `{
  ${template ? '"$schema-template": "4.0.0",\n  ' : ''}"modulesContent": {
    "$edgeAgent": {
      "properties.desired": {
        "systemModules": {
          "edgeHub": { "type": "docker", "status": "running", "restartPolicy": "always", "settings": { "image": "mcr.microsoft.com/azureiotedge-hub:1.5", "createOptions": "{}" } }
        },
        "modules": {
          "filter": {
            "type": "docker",
            "status": "running",
            "restartPolicy": "always",${extra}
            "settings": ${settings}
          }
        }
      }
    }
  }
}`;
}

function module(text: string, name = 'filter'): ModuleEntry {
  const reading = readModules(text);
  if (!reading.ok) throw new Error(reading.message);
  const found = reading.modules.find((m) => m.name === name);
  if (!found) throw new Error(`no ${name}`);
  return found;
}

function edit(text: string, patch: ModulePatch, name = 'filter'): string {
  const result = editModule(text, name, patch);
  if (!result.ok) throw new Error(result.error);
  return applyEdits(text, result.value);
}

const LONG = { Env: Array.from({ length: 40 }, (_, i) => `VARIABLE_NUMBER_${i}=some value that takes room`) };

describe('readModules', () => {
  it.each([
    ['object (template)', '{ "image": "${MODULES.filter}", "createOptions": { "HostConfig": { "Privileged": true } } }', 'object', { HostConfig: { Privileged: true } }],
    ['string (deployment)', '{ "image": "x:1", "createOptions": "{\\"HostConfig\\":{\\"Privileged\\":true}}" }', 'string', { HostConfig: { Privileged: true } }],
    ['chunks', '{ "image": "x:1", "createOptions": "{\\"Host", "createOptions01": "Config\\":{}}" }', 'chunks', { HostConfig: {} }],
    ['none', '{ "image": "x:1" }', 'none', undefined],
  ])('reads createOptions written as %s', (_label, settings, form, value) => {
    const entry = module(manifest(settings));
    expect(entry.createOptions.form).toBe(form);
    expect(entry.createOptions.text === '' ? undefined : JSON.parse(entry.createOptions.text)).toEqual(value);
  });

  it('reads image, status, policy, order, env and edgeHub first', () => {
    const text = manifest('{ "image": "x:1" }', '\n            "startupOrder": 3,\n            "env": { "A": { "value": "1" }, "B": { "value": 2 } },');
    const reading = readModules(text);
    expect(reading.ok && reading.modules.map((m) => [m.name, m.system])).toEqual([
      ['edgeHub', true],
      ['filter', false],
    ]);
    expect(module(text)).toMatchObject({ image: 'x:1', status: 'running', restartPolicy: 'always', startupOrder: 3, env: [{ key: 'A', value: '1' }, { key: 'B', value: '2' }] });
  });

  it('reads a layered deployment', () => {
    const text = '{ "content": { "modulesContent": { "$edgeAgent": { "properties.desired.modules.sensor": { "settings": { "image": "s:1" } } } } } }';
    const reading = readModules(text);
    expect(reading).toMatchObject({ ok: true, layered: true, modules: [{ name: 'sensor', image: 's:1', path: ['content', 'modulesContent', '$edgeAgent', 'properties.desired.modules.sensor'] }] });
  });

  it.each([
    ['a missing brace', '{ "modulesContent": { "$edgeAgent": {', 1],
    ['an unquoted value', '{\n  "a": nope\n}', 2],
    ['an empty text', '', 1],
  ])('says where %s breaks the JSON', (_label, text, line) => {
    expect(readModules(text)).toMatchObject({ ok: false, line });
  });
});

describe('editModule', () => {
  const base = manifest('{ "image": "x:1", "createOptions": "{}" }', '\n            "env": { "A": { "value": "1" } },');

  it.each<[string, ModulePatch, Partial<ModuleEntry>]>([
    ['image', { image: 'x:2' }, { image: 'x:2' }],
    ['status', { status: 'stopped' }, { status: 'stopped' }],
    ['restartPolicy', { restartPolicy: 'on-unhealthy' }, { restartPolicy: 'on-unhealthy' }],
    ['startupOrder added', { startupOrder: 4 }, { startupOrder: 4 }],
    ['env value', { env: [{ op: 'set', key: 'A', value: 'two' }] }, { env: [{ key: 'A', value: 'two' }] }],
    ['env added', { env: [{ op: 'set', key: 'B', value: 'b' }] }, { env: [{ key: 'A', value: '1' }, { key: 'B', value: 'b' }] }],
    ['env removed', { env: [{ op: 'remove', key: 'A' }] }, { env: [] }],
    ['env renamed in place', { env: [{ op: 'rename', from: 'A', to: 'Z' }] }, { env: [{ key: 'Z', value: '1' }] }],
  ])('changes %s with one minimal edit', (_label, patch, expected) => {
    const result = editModule(base, 'filter', patch);
    expect(result.ok && result.value).toHaveLength(1);
    expect(module(edit(base, patch))).toMatchObject(expected);
  });

  it('touches nothing else and is a no-op when nothing changes', () => {
    const after = edit(base, { restartPolicy: 'never' });
    expect(after).toBe(base.replace('"restartPolicy": "always",\n            "env"', '"restartPolicy": "never",\n            "env"'));
    expect(editModule(base, 'filter', { image: 'x:1', createOptions: '{ }' })).toEqual({ ok: true, value: [] });
  });

  it('removes startupOrder with null, and refuses a negative one', () => {
    const withOrder = edit(base, { startupOrder: 2 });
    expect(module(edit(withOrder, { startupOrder: null })).startupOrder).toBeUndefined();
    expect(editModule(base, 'filter', { startupOrder: -1 })).toMatchObject({ ok: false });
  });

  it('creates env where there was none', () => {
    const text = manifest('{ "image": "x:1" }');
    expect(module(edit(text, { env: [{ op: 'set', key: 'K', value: 'v' }] })).env).toEqual([{ key: 'K', value: 'v' }]);
  });

  it.each([
    ['keeps the object form', manifest('{ "image": "x", "createOptions": {} }', '', true), 'object', ['createOptions']],
    ['keeps the string form', manifest('{ "image": "x", "createOptions": "{}" }'), 'string', ['createOptions']],
    ['writes an object into a template without createOptions', manifest('{ "image": "x" }', '', true), 'object', ['createOptions']],
    ['writes a string into a deployment without createOptions', manifest('{ "image": "x" }'), 'string', ['createOptions']],
  ])('createOptions: %s', (_label, text, form, keys) => {
    const after = module(edit(text, { createOptions: '{ "HostConfig": { "Privileged": true } }' }));
    expect(after.createOptions).toMatchObject({ form, keys });
    expect(JSON.parse(after.createOptions.text)).toEqual({ HostConfig: { Privileged: true } });
  });

  it('re-chunks a string that grows past 512 characters, and joins chunks back when it shrinks', () => {
    const grown = edit(base, { createOptions: JSON.stringify(LONG) });
    const chunked = module(grown).createOptions;
    expect(chunked.form).toBe('chunks');
    expect(chunked.keys.slice(0, 2)).toEqual(['createOptions', 'createOptions01']);
    expect(JSON.parse(chunked.text)).toEqual(LONG);
    const shrunk = module(edit(grown, { createOptions: '{"HostConfig":{}}' })).createOptions;
    expect(shrunk).toMatchObject({ form: 'string', keys: ['createOptions'] });
  });

  it.each([
    ['invalid JSON', '{ "HostConfig": ', /not valid JSON/],
    ['an array', '[]', /must be a JSON object/],
    ['more than 8 chunks', JSON.stringify({ Env: Array.from({ length: 200 }, (_, i) => `V${i}=${'x'.repeat(20)}`) }), /at most 8/],
  ])('refuses createOptions that is %s', (_label, input, message) => {
    const result = editModule(base, 'filter', { createOptions: input });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatch(message);
  });

  it('removes createOptions (every chunk) when blank', () => {
    const grown = edit(base, { createOptions: JSON.stringify(LONG) });
    expect(module(edit(grown, { createOptions: '' })).createOptions).toMatchObject({ form: 'none', keys: [] });
  });

  it('edits edgeHub, and refuses an unknown module or a broken text', () => {
    expect(module(edit(base, { image: 'mcr.microsoft.com/azureiotedge-hub:1.4' }, 'edgeHub'), 'edgeHub').image).toBe('mcr.microsoft.com/azureiotedge-hub:1.4');
    expect(editModule(base, 'nope', { image: 'x' })).toMatchObject({ ok: false });
    expect(editModule(base.slice(0, -3), 'filter', { image: 'x' })).toMatchObject({ ok: false, error: expect.stringMatching(/error at line/) });
  });
});

describe('addModule / removeModule', () => {
  it.each([
    ['deployment', manifest('{ "image": "x" }'), 'string'],
    ['template', manifest('{ "image": "x" }', '', true), 'object'],
  ])('adds a module to a %s', (_label, text, form) => {
    const result = addModule(text, 'newmod', 'repo/newmod:1');
    const after = applyEdits(text, result.ok ? result.value : []);
    expect(module(after, 'newmod')).toMatchObject({ image: 'repo/newmod:1', status: 'running', restartPolicy: 'always', createOptions: { form } });
  });

  it('adds to a layered deployment and to a document without modules', () => {
    const layered = '{ "modulesContent": { "$edgeAgent": { "properties.desired.modules.a": { "settings": { "image": "a" } } } } }';
    const added = addModule(layered, 'b', 'b:1');
    expect(readModules(applyEdits(layered, added.ok ? added.value : []))).toMatchObject({ modules: [{ name: 'a' }, { name: 'b', image: 'b:1' }] });
    const bare = addModule('{}', 'first', 'f:1');
    expect(readModules(applyEdits('{}', bare.ok ? bare.value : []))).toMatchObject({ ok: true, modules: [{ name: 'first' }] });
  });

  it.each([
    ['', /name/],
    ['$bad', /Letters/],
    ['FILTER', /already/],
  ])('refuses the name %j', (name, message) => {
    const result = addModule(manifest('{ "image": "x" }'), name, 'i');
    expect(!result.ok && result.error).toMatch(message);
  });

  it('removes a custom module, never edgeHub', () => {
    const text = manifest('{ "image": "x" }');
    const removed = removeModule(text, 'filter');
    expect(readModules(applyEdits(text, removed.ok ? removed.value : []))).toMatchObject({ modules: [{ name: 'edgeHub' }] });
    expect(removeModule(text, 'edgeHub')).toMatchObject({ ok: false });
  });
});
