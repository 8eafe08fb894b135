import type { z } from 'zod';
import { appError, fail, ok, type Result } from '../../shared/errors';
import { resolveMethod, type Contract, type ContractImpl } from '../../shared/ipc';

type AnyHandler = (input: unknown) => Promise<Result<unknown>>;

/**
 * Routes `<contract>.<method>` calls to their implementation. Every call is checked against the allow-list,
 * its input parsed with the contract's schema, its output checked too: unvalidated data never travels inward,
 * and a service that breaks its own contract is reported as INTERNAL instead of leaking a bad shape.
 */
export class Dispatcher {
  private readonly handlers = new Map<string, AnyHandler>();

  register<C extends Contract>(contract: C, impl: ContractImpl<C>): void {
    for (const name of Object.keys(contract.methods)) {
      const wire = `${contract.name}.${name}`;
      if (this.handlers.has(wire)) throw new Error(`${wire} is registered twice`);
      const handler = (impl as unknown as Record<string, AnyHandler>)[name];
      if (typeof handler !== 'function') throw new Error(`${wire} has no implementation`);
      this.handlers.set(wire, handler.bind(impl));
    }
  }

  async invoke(method: string, params: unknown): Promise<Result<unknown>> {
    const resolved = resolveMethod(method);
    const handler = this.handlers.get(method);
    if (!resolved || !handler) return fail('UNKNOWN_METHOD', `No method named "${method}"`);
    const input = resolved.spec.input.safeParse(params ?? {});
    if (!input.success) {
      return fail('BAD_REQUEST', `Invalid input for ${method}: ${summarize(input.error)}`, { issues: input.error.issues });
    }
    let result: Result<unknown>;
    try {
      result = await handler(input.data);
    } catch (cause) {
      return fail('INTERNAL', `${method} failed: ${cause instanceof Error ? cause.message : String(cause)}`);
    }
    if (!result.ok) return result;
    const output = resolved.spec.output.safeParse(result.value);
    if (!output.success) return { ok: false, error: appError('INTERNAL', `${method} returned an invalid result: ${summarize(output.error)}`) };
    return ok(output.data);
  }
}

export function summarize(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
