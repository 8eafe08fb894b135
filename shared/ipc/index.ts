import type { Contract, MethodSpec } from './contract';
import { appContract } from './app.contract';
import { statusContract } from './status.contract';
import { workspaceContract } from './workspace.contract';
import { runtimeContract } from './runtime.contract';
import { localhubContract } from './localhub.contract';
import { cloudContract } from './cloud.contract';
import { edgehubContract } from './edgehub.contract';
import { commissioningContract } from './commissioning.contract';
import { supportContract } from './support.contract';
import { rollbackContract } from './rollback.contract';
import { driftContract } from './drift.contract';

export * from './contract';
export { appContract } from './app.contract';
export { statusContract } from './status.contract';
export { workspaceContract } from './workspace.contract';
export { runtimeContract } from './runtime.contract';
export { localhubContract } from './localhub.contract';
export { cloudContract } from './cloud.contract';
export { edgehubContract } from './edgehub.contract';
export { commissioningContract } from './commissioning.contract';
export { supportContract } from './support.contract';
export { rollbackContract } from './rollback.contract';
export { driftContract } from './drift.contract';

/** The allow-list: every contract the host serves. A method or event not reachable from here does not exist. */
export const CONTRACTS = [appContract, statusContract, workspaceContract, runtimeContract, localhubContract, cloudContract, edgehubContract, commissioningContract, supportContract, driftContract, rollbackContract] as const satisfies readonly Contract[];

export interface ResolvedMethod {
  readonly contract: Contract;
  readonly name: string;
  readonly spec: MethodSpec;
}

const methodIndex = new Map<string, ResolvedMethod>();
const eventIndex = new Map<string, { contract: Contract; name: string }>();
for (const contract of CONTRACTS as readonly Contract[]) {
  for (const [name, spec] of Object.entries(contract.methods)) methodIndex.set(`${contract.name}.${name}`, { contract, name, spec });
  for (const name of Object.keys(contract.events)) eventIndex.set(`${contract.name}.${name}`, { contract, name });
}

export function resolveMethod(wire: string): ResolvedMethod | undefined {
  return methodIndex.get(wire);
}

export function resolveEvent(wire: string): { contract: Contract; name: string } | undefined {
  return eventIndex.get(wire);
}

export function allMethodNames(): string[] {
  return [...methodIndex.keys()];
}

export function allEventNames(): string[] {
  return [...eventIndex.keys()];
}
