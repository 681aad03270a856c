import { eventually } from '../../helpers/seed';

/** Polls until `check` is true (or returns a value); generous by default, since CI machines are shared. */
export function waitFor<T>(
  check: () => Promise<T | false | null | undefined> | T | false | null | undefined,
  {
    timeoutMs = 30_000,
    intervalMs = 50,
    what = 'condition',
  }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  return eventually(check, { timeoutMs, everyMs: intervalMs, what });
}
