import type { z } from 'zod';
import type { Result } from '../errors';

/**
 * One contract per feature: the methods (input and output schemas) and the events it pushes.
 * Main implements it, the renderer gets a typed proxy, and both sides validate payloads with the same schemas.
 * Wire names are `<contract>.<method>` and `<contract>.<event>`.
 */
export interface MethodSpec<I extends z.ZodType = z.ZodType, O extends z.ZodType = z.ZodType> {
  readonly input: I;
  readonly output: O;
  readonly summary: string;
}

export interface Contract<
  N extends string = string,
  M extends Record<string, MethodSpec> = Record<string, MethodSpec>,
  E extends Record<string, z.ZodType> = Record<string, z.ZodType>,
> {
  readonly name: N;
  readonly methods: M;
  readonly events: E;
}

export function defineContract<const N extends string, M extends Record<string, MethodSpec>, E extends Record<string, z.ZodType>>(
  contract: Contract<N, M, E>,
): Contract<N, M, E> {
  return contract;
}

export type MethodInput<S extends MethodSpec> = z.input<S['input']>;
export type MethodOutput<S extends MethodSpec> = z.output<S['output']>;

/** What the renderer (or the CLI) calls: every method returns a Result, never throws for expected errors. */
export type ContractClient<C extends Contract> = {
  readonly [K in keyof C['methods']]: (input: MethodInput<C['methods'][K]>) => Promise<Result<MethodOutput<C['methods'][K]>>>;
};

/** What main implements: parsed input in, Result out. */
export type ContractImpl<C extends Contract> = {
  readonly [K in keyof C['methods']]: (
    input: z.output<C['methods'][K]['input']>,
  ) => Promise<Result<z.input<C['methods'][K]['output']>>>;
};

export type EventPayload<C extends Contract, K extends keyof C['events']> = z.output<C['events'][K]>;

export function wireName(contract: Contract, member: string): string {
  return `${contract.name}.${member}`;
}
