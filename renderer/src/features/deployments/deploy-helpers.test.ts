import { describe, expect, it } from 'vitest';
import { checkManifest, conditionProblem, countFrom, countQuery, deploymentRow, edgeDesiredText, editableFields, effectivePreview, invalidSentence, isLayeredContent, manifestEdgeText, parsePairs } from './deploy-helpers';

const agent = { schemaVersion: '1.1', runtime: { type: 'docker', settings: {} }, systemModules: {}, modules: { m1: { type: 'docker', status: 'running', restartPolicy: 'always', settings: { image: 'a:1' } } } };

describe('edge desired texts', () => {
  it('keeps only $edgeAgent/$edgeHub desired, without $metadata and $version, keys sorted', () => {
    const text = edgeDesiredText({ $edgeAgent: { properties: { desired: { b: 1, a: 2, $version: 4, $metadata: {} } } } });
    expect(JSON.parse(text)).toEqual({ $edgeAgent: { a: 2, b: 1 }, $edgeHub: {} });
    expect(text.indexOf('"a"')).toBeLessThan(text.indexOf('"b"'));
  });
  it('reads what a manifest sends, with or without the content wrapper', () => {
    const direct = manifestEdgeText({ modulesContent: { $edgeAgent: { 'properties.desired': { x: 1 } } } });
    const wrapped = manifestEdgeText({ content: { modulesContent: { $edgeAgent: { 'properties.desired': { x: 1 } } } } });
    expect(JSON.parse(direct)).toEqual({ $edgeAgent: { x: 1 }, $edgeHub: {} });
    expect(wrapped).toBe(direct);
  });
});

describe('checkManifest and its sentence', () => {
  it('lists the first errors with line and column', () => {
    const result = checkManifest('{\n  "modulesContent": {\n    "$edgeAgent": {}\n  }\n}');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.message).toMatch(/^The deployment has \d+ errors?\. Ln \d+, Col \d+: /);
  });
  it('says how many are not listed', () => {
    const d = { line: 1, column: 2, message: 'bad', code: 'GH1' as never };
    expect(invalidSentence([d, d, d, d, d], 2)).toBe('The deployment has 5 errors. Ln 1, Col 2: bad (GH1); Ln 1, Col 2: bad (GH1); and 3 more.');
  });
});

describe('target conditions', () => {
  it('counts with COUNT() and treats * as every device', () => {
    expect(countQuery("tags.env='prod'")).toBe("SELECT COUNT() AS n FROM devices WHERE tags.env='prod'");
    expect(countQuery(' * ')).toBe('SELECT COUNT() AS n FROM devices');
    expect(countFrom([{ n: 3 }])).toBe(3);
    expect(countFrom([])).toBeUndefined();
  });
  it('points at the place a condition stops reading', () => {
    expect(conditionProblem("tags.env='prod'")).toBeUndefined();
    expect(conditionProblem('*')).toBeUndefined();
    const problem = conditionProblem("tags.env = 'prod' AND");
    expect(problem).toBeDefined();
    expect(problem!.offset).toBeGreaterThanOrEqual(18);
    expect(conditionProblem('  ')?.message).toMatch(/needed/);
  });
});

describe('parsePairs', () => {
  it('reads labels split by commas or lines and metric queries by lines', () => {
    expect(parsePairs('a=1, b = 2\nc=3', 'label')).toEqual({ ok: true, value: { a: '1', b: '2', c: '3' } });
    expect(parsePairs("ok=SELECT deviceId FROM devices WHERE x='a,b'", 'metric')).toEqual({ ok: true, value: { ok: "SELECT deviceId FROM devices WHERE x='a,b'" } });
  });
  it('refuses a pair without a name or value, and a name given twice', () => {
    expect(parsePairs('a', 'label')).toEqual({ ok: false, message: '"a" is not name=value.' });
    expect(parsePairs('a=1,a=2', 'label')).toEqual({ ok: false, message: 'The label "a" is given twice.' });
  });
});

describe('deploymentRow', () => {
  it('reads metrics, labels and times; 0001-01-01 is no time', () => {
    const row = deploymentRow({
      id: 'd1',
      priority: 10,
      targetCondition: "tags.env='prod'",
      labels: { team: 'a' },
      createdTimeUtc: '2026-01-02T03:04:05Z',
      lastUpdatedTimeUtc: '0001-01-01T00:00:00Z',
      content: { modulesContent: { $edgeAgent: { 'properties.desired': agent } } },
      metrics: { queries: { ok: 'SELECT deviceId FROM devices' }, results: { ok: 2 } },
      systemMetrics: { results: { targetedCount: 3, appliedCount: 2, reportedSuccessfulCount: 1, reportedFailedCount: 0 } },
    });
    expect(row).toMatchObject({ id: 'd1', priority: 10, labels: { team: 'a' }, created: '2026-01-02T03:04:05Z', layered: false, system: { targeted: 3, applied: 2, reportedSuccessful: 1, reportedFailed: 0 }, custom: { ok: 2 } });
    expect(row.updated).toBeUndefined();
  });
  it('tells a layered deployment by its properties.desired.<path> keys', () => {
    expect(isLayeredContent({ $edgeAgent: { 'properties.desired.modules.x': {} } })).toBe(true);
    expect(isLayeredContent({ $edgeAgent: { 'properties.desired': {} } })).toBe(false);
  });
});

describe('effectivePreview', () => {
  it('applies the layer over the highest-priority base deployment', () => {
    const base = { id: 'base', priority: 1, content: { modulesContent: { $edgeAgent: { 'properties.desired': agent } } } };
    const layer = { modulesContent: { $edgeAgent: { 'properties.desired.modules.m2': { type: 'docker', settings: { image: 'b:2' } } } } };
    const preview = effectivePreview(layer, 5, [base]);
    expect(preview?.baseId).toBe('base');
    const modules = (JSON.parse(preview!.text) as { modulesContent: { $edgeAgent: { 'properties.desired': { modules: Record<string, unknown> } } } }).modulesContent.$edgeAgent['properties.desired'].modules;
    expect(Object.keys(modules).sort()).toEqual(['m1', 'm2']);
  });
  it('says nothing without a base', () => {
    expect(effectivePreview({ modulesContent: {} }, 1, [])).toBeUndefined();
  });
});

describe('editableFields', () => {
  it("holds a deployment's mutable fields as the edit dialog's texts, and parsePairs reads labels and metrics back", () => {
    const fields = editableFields({
      id: 'd1',
      etag: 'Mg==',
      targetCondition: "tags.env='prod'",
      priority: 7,
      labels: { team: 'a', ring: '1' },
      metrics: { queries: { ok: "SELECT deviceId FROM devices WHERE properties.reported.x = 'y=z'", all: 'SELECT deviceId FROM devices' }, results: {} },
      content: { modulesContent: {} },
    });
    expect(fields).toMatchObject({ etag: 'Mg==', condition: "tags.env='prod'", priority: '7', labels: 'team=a, ring=1' });
    expect(parsePairs(fields.labels, 'label')).toEqual({ ok: true, value: { team: 'a', ring: '1' } });
    expect(parsePairs(fields.metrics, 'metric')).toEqual({ ok: true, value: { ok: "SELECT deviceId FROM devices WHERE properties.reported.x = 'y=z'", all: 'SELECT deviceId FROM devices' } });
  });
  it('an etag-less document is edited unconditionally; absent labels and metrics are empty', () => {
    expect(editableFields({ id: 'd2' })).toEqual({ etag: '*', condition: '', priority: '0', labels: '', metrics: '' });
  });
});
