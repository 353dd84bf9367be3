import {
  useMutation,
  useQuery,
  type QueryKey,
  type UseMutationOptions,
  type UseQueryOptions,
} from '@tanstack/react-query';
import type { CommandInput, CommandName, CommandOutput, ErrorInfo } from '../../preload/contract/index.ts';
import { useBridge } from './bridge-context.tsx';

/** A failed command, thrown inside TanStack Query so `error` carries the contract's code and details. */
export class CommandError extends Error {
  readonly code: ErrorInfo['code'];
  readonly details: unknown;
  constructor(info: ErrorInfo) {
    super(info.message);
    this.name = 'CommandError';
    this.code = info.code;
    this.details = info.details;
  }
}

/** The query key of a command: `[name, input]`, so events can invalidate by name or by name + part of the input. */
export function commandKey<N extends CommandName>(name: N, input?: Partial<CommandInput<N>>): QueryKey {
  return input === undefined ? [name] : [name, input];
}

type QueryOptions<N extends CommandName> = Omit<
  UseQueryOptions<CommandOutput<N>, CommandError, CommandOutput<N>, QueryKey>,
  'queryKey' | 'queryFn'
>;

/** Runs a read command through TanStack Query, typed from the contract. */
export function useCommand<N extends CommandName>(
  name: N,
  input: CommandInput<N>,
  options?: QueryOptions<N>,
) {
  const bridge = useBridge();
  return useQuery<CommandOutput<N>, CommandError, CommandOutput<N>, QueryKey>({
    queryKey: commandKey(name, input),
    queryFn: async () => {
      const result = await bridge.invoke(name, input);
      if (!result.ok) throw new CommandError(result.error);
      return result.value;
    },
    ...options,
  });
}

type MutationOptions<N extends CommandName> = Omit<
  UseMutationOptions<CommandOutput<N>, CommandError, CommandInput<N>>,
  'mutationFn'
>;

/** Runs a write command; failures arrive as `CommandError` with the contract's code. */
export function useMutationCommand<N extends CommandName>(name: N, options?: MutationOptions<N>) {
  const bridge = useBridge();
  return useMutation<CommandOutput<N>, CommandError, CommandInput<N>>({
    mutationFn: async (input) => {
      const result = await bridge.invoke(name, input);
      if (!result.ok) throw new CommandError(result.error);
      return result.value;
    },
    ...options,
  });
}

/**
 * Field issues of a VALIDATION error (`details.issues`), or of a CONFLICT that names its field (a prefix
 * already taken), or an empty list: forms put each on the field it is about.
 */
export function validationIssues(error: unknown): { path: (string | number)[]; message: string }[] {
  if (!(error instanceof CommandError) || (error.code !== 'VALIDATION' && error.code !== 'CONFLICT'))
    return [];
  const details = error.details as { issues?: unknown } | undefined;
  if (!Array.isArray(details?.issues)) return [];
  return details.issues.filter(
    (issue): issue is { path: (string | number)[]; message: string } =>
      typeof issue === 'object' &&
      issue !== null &&
      Array.isArray((issue as { path?: unknown }).path) &&
      typeof (issue as { message?: unknown }).message === 'string',
  );
}
