import { describe, expect, it } from 'vitest';
import type { ContainerOwner, ObservedContainer } from './model';
import { adoptableFrom, describeOwner, foreignRuntimeEvidence, isManaged, ownerOf, withOwners, type OwnershipContext } from './ownership';

const ME = 'b2c7e0d4-0000-4000-8000-000000000001';
const ctx: OwnershipContext = { instanceId: ME, adoptable: { temp: ['h-temp-v2', 'h-temp-v1'], filter: ['h-filter'] } };

function container(name: string, over: Partial<ObservedContainer> = {}): ObservedContainer {
  return {
    name,
    containerId: `c-${name}`,
    image: 'img:1',
    configHash: undefined,
    instanceLabel: undefined,
    dataDirLabel: undefined,
    raw: 'running',
    exitCode: 0,
    statusDescription: '',
    startedAt: undefined,
    finishedAt: undefined,
    ...over,
  };
}

describe('ownerOf: whose a container with IoT Edge labels is', () => {
  it.each<[string, Partial<ObservedContainer>, string, ContainerOwner]>([
    ['our instance label', { instanceLabel: ME, configHash: 'x' }, 'temp', { kind: 'this' }],
    ['our instance label, whatever its name and hash', { instanceLabel: ME, configHash: 'zzz' }, 'anything', { kind: 'this' }],
    ['another instance label, with its data folder', { instanceLabel: 'other', dataDirLabel: '/home/u/gh2', configHash: 'h-temp-v2' }, 'temp', { kind: 'gatehouse', instanceId: 'other', dataDir: '/home/u/gh2' }],
    ['another instance label, no data folder', { instanceLabel: 'other', configHash: 'x' }, 'x', { kind: 'gatehouse', instanceId: 'other', dataDir: undefined }],
    ['IoT Edge labels only (no Gatehouse label at all)', {}, 'temp', { kind: 'iot-edge' }],
    ['IoT Edge labels only, named like our module', {}, 'filter', { kind: 'iot-edge' }],
    ['earlier Gatehouse: this folder\'s module, current hash', { configHash: 'h-temp-v2' }, 'temp', { kind: 'adopted' }],
    ['earlier Gatehouse: this folder\'s module, previous hash', { configHash: 'h-temp-v1' }, 'temp', { kind: 'adopted' }],
    ['earlier Gatehouse: this folder\'s module name, unknown hash', { configHash: 'h-elsewhere' }, 'temp', { kind: 'earlier-gatehouse' }],
    ['earlier Gatehouse: a name this folder never deployed', { configHash: 'h-temp-v2' }, 'stranger', { kind: 'earlier-gatehouse' }],
  ])('%s', (_name, over, name, expected) => {
    expect(ownerOf(container(name, over), ctx)).toEqual(expected);
  });

  it('adopts nothing on a fresh data folder (no persisted deployment)', () => {
    expect(ownerOf(container('temp', { configHash: 'h-temp-v2' }), { instanceId: ME, adoptable: adoptableFrom(undefined, undefined) })).toEqual({ kind: 'earlier-gatehouse' });
  });

  it('manages only its own and adopted containers', () => {
    const kinds = withOwners(
      [container('a', { instanceLabel: ME }), container('temp', { configHash: 'h-temp-v1' }), container('b', { instanceLabel: 'x' }), container('c', { configHash: 'q' }), container('d')],
      ctx,
    ).map((o) => [o.name, isManaged(o.owner)]);
    expect(kinds).toEqual([
      ['a', true],
      ['temp', true],
      ['b', false],
      ['c', false],
      ['d', false],
    ]);
  });

  it('says who seems to own it', () => {
    expect(describeOwner({ kind: 'iot-edge' })).toBe('IoT Edge runtime');
    expect(describeOwner({ kind: 'gatehouse', instanceId: 'i-2', dataDir: '/d' })).toBe('another Gatehouse (instance i-2, data folder /d)');
    expect(describeOwner({ kind: 'gatehouse', instanceId: 'i-2', dataDir: undefined })).toBe('another Gatehouse (instance i-2)');
  });
});

describe('foreignRuntimeEvidence: is a real IoT Edge runtime on this engine?', () => {
  const observe = (...cs: ObservedContainer[]) => withOwners(cs, ctx);
  it.each<[string, ObservedContainer[], string[], string[]]>([
    ['nothing', [], [], []],
    ['edgeAgent and edgeHub with IoT Edge labels only', [container('edgeHub'), container('edgeAgent')], [], ['container edgeAgent', 'container edgeHub']],
    ['edgeHub alone', [container('edgeHub', { raw: 'stopped' })], [], ['container edgeHub']],
    ['an IoT Edge custom module alone is not the runtime', [container('SimulatedTemperatureSensor')], [], []],
    ['edgeAgent carrying a Gatehouse instance label is not the real runtime', [container('edgeAgent', { instanceLabel: 'other', configHash: 'h' })], [], []],
    ['edgeAgent carrying our own label', [container('edgeAgent', { instanceLabel: ME, configHash: 'h' })], [], []],
    ['the aziot services sockets', [], ['/run/aziot/keyd.sock', '/run/aziot/identityd.sock'], ['socket /run/aziot/identityd.sock', 'socket /run/aziot/keyd.sock']],
    ['both', [container('edgeAgent')], ['/var/run/iotedge/mgmt.sock'], ['container edgeAgent', 'socket /var/run/iotedge/mgmt.sock']],
  ])('%s', (_name, containers, sockets, expected) => {
    expect(foreignRuntimeEvidence(observe(...containers), sockets)).toEqual(expected);
  });
});
