/**
 * Route sinks, as edgeHub's EndpointFactory creates them (`edge-hub/core/src/Microsoft.Azure.Devices.Edge.Hub.Core/
 * routing/EndpointFactory.cs`):
 * - a system endpoint `$name`: only `$upstream` (any case) is supported;
 * - a function endpoint `f("address")`: only `BrokeredEndpoint` (any case). The address is taken verbatim (no
 *   unescaping), trimmed, stripped of one leading and one trailing `/`, and must split on `/` into exactly four
 *   parts; part 2 is the module and part 4 the input. The words `modules` and `inputs` are not checked.
 */
import { err, ok, type Result } from '../errors';
import type { SinkNode } from './ast';
import { equalsIgnoreCase } from './text';
import type { RouteError, RouteSink, RouteWarning } from './types';

export interface ResolvedSink {
  readonly sink: RouteSink;
  readonly warnings: readonly RouteWarning[];
}

export function resolveSink(node: SinkNode): Result<ResolvedSink, RouteError> {
  const column = node.start + 1;
  if (node.kind === 'system') {
    if (equalsIgnoreCase(node.name, '$upstream')) return ok({ sink: { kind: 'upstream' }, warnings: [] });
    return err({
      message: `system endpoint type '${node.name}' at column ${column} is not supported; expected $upstream`,
      column,
      length: node.end - node.start,
      phase: 'parse',
    });
  }
  if (!equalsIgnoreCase(node.name, 'BrokeredEndpoint')) {
    return err({
      message: `function endpoint type '${node.name}' at column ${column} is not supported; expected BrokeredEndpoint("/modules/<module>/inputs/<input>")`,
      column,
      length: node.name.length,
      phase: 'parse',
    });
  }
  const addressColumn = node.addressStart + 1;
  let address = node.address.trim();
  if (address === '') {
    return err({ message: `expected an endpoint address such as "/modules/<module>/inputs/<input>" at column ${addressColumn}, found an empty string`, column: addressColumn, length: Math.max(1, node.address.length), phase: 'parse' });
  }
  if (address.startsWith('/')) address = address.slice(1);
  if (address.endsWith('/')) address = address.slice(0, -1);
  const parts = address.split('/');
  if (parts.length !== 4) {
    return err({
      message: `endpoint address '${node.address}' at column ${addressColumn} has ${parts.length} part(s); expected /modules/<module>/inputs/<input>`,
      column: addressColumn,
      length: Math.max(1, node.address.length),
      phase: 'parse',
    });
  }
  const [kindWord, module, inputWord, input] = parts as [string, string, string, string];
  const warnings: RouteWarning[] = [];
  if (kindWord !== 'modules' || inputWord !== 'inputs') {
    warnings.push({
      message: `endpoint address '${node.address}' does not read /modules/<module>/inputs/<input>; edgeHub ignores the words and delivers to module '${module}' input '${input}'`,
      column: addressColumn,
      length: node.address.length,
    });
  }
  if (module.trim() === '' || input.trim() === '') {
    warnings.push({ message: `endpoint address '${node.address}' has an empty module or input name`, column: addressColumn, length: node.address.length });
  }
  return ok({ sink: { kind: 'moduleInput', module, input, address: node.address }, warnings });
}
