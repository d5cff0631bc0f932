import type { CallResult } from './invoke';
import { toDomainError } from './invoke';
import type { InputOf, OutputOf, ProcedureName } from './index';

/** Carries one call to wherever the handlers are (IPC in Electron, HTTP in a browser, direct in tests). */
export type Transport = (name: ProcedureName, input: unknown) => Promise<CallResult>;

type GroupOf<N> = N extends `${infer G}.${string}` ? G : never;
type MethodOf<N, G extends string> = N extends `${G}.${infer M}` ? M : never;

/** `api.capital.createPortfolio(input)`: typed from the procedure table, resolving to the output or throwing DomainError. */
export type ApiClient = {
  [G in GroupOf<ProcedureName>]: {
    [N in ProcedureName as MethodOf<N, G>]: (input: InputOf<N>) => Promise<OutputOf<N>>;
  };
};

export function createApiClient(transport: Transport): ApiClient {
  return new Proxy({} as ApiClient, {
    get(_, group: string | symbol) {
      if (typeof group !== 'string') return undefined;
      return new Proxy(
        {},
        {
          get(__, method: string | symbol) {
            if (typeof method !== 'string') return undefined;
            const name = `${group}.${method}` as ProcedureName;
            return async (input: unknown) => {
              const result = await transport(name, input ?? {});
              if (!result.ok) throw toDomainError(result);
              return result.data;
            };
          },
        },
      );
    },
  });
}
