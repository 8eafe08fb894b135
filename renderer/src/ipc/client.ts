import { appError, type Result } from '../../../shared/errors';
import type { Contract, ContractClient, EventPayload } from '../../../shared/ipc';
import { WireResult } from '../../../shared/ipc/wire';
import type { Transport } from './transport';

/**
 * Typed proxy of a contract over a transport. Inputs are validated before they leave the page (a bad payload
 * never reaches the host), outputs and events are validated when they arrive.
 */
export function createClient<C extends Contract>(contract: C, transport: Transport): ContractClient<C> {
  const client: Record<string, (input: unknown) => Promise<Result<unknown>>> = {};
  for (const [name, spec] of Object.entries(contract.methods)) {
    const method = `${contract.name}.${name}`;
    client[name] = async (input) => {
      const parsedInput = spec.input.safeParse(input);
      if (!parsedInput.success) {
        return { ok: false, error: appError('BAD_REQUEST', `Invalid input for ${method}`, { issues: parsedInput.error.issues }) };
      }
      const wire = WireResult.safeParse(await transport.invoke(method, parsedInput.data));
      if (!wire.success) return { ok: false, error: appError('BAD_RESPONSE', `The host answered ${method} with an invalid frame`) };
      if (!wire.data.ok) return wire.data as Result<never>;
      const output = spec.output.safeParse(wire.data.value);
      if (!output.success) return { ok: false, error: appError('BAD_RESPONSE', `The host answered ${method} with an invalid result`) };
      return { ok: true, value: output.data };
    };
  }
  return client as unknown as ContractClient<C>;
}

export function subscribeEvent<C extends Contract, K extends keyof C['events'] & string>(
  transport: Transport,
  contract: C,
  name: K,
  listener: (payload: EventPayload<C, K>) => void,
): () => void {
  const schema = contract.events[name];
  return transport.subscribe(`${contract.name}.${name}`, (payload) => {
    const parsed = schema?.safeParse(payload);
    if (parsed?.success) listener(parsed.data as EventPayload<C, K>);
    else console.warn(`Dropped an invalid ${contract.name}.${name} event`);
  });
}

/** Unwraps a Result for TanStack Query: errors become rejections carrying the AppError. */
export async function unwrap<T>(result: Promise<Result<T>>): Promise<T> {
  const r = await result;
  if (r.ok) return r.value;
  throw Object.assign(new Error(r.error.message), { code: r.error.code, details: r.error.details });
}
