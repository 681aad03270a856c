import { deleteAt, getAt, Json, sameJson, setAt } from './field-paths';
import type { ApiError } from './status';

/** One managedFields entry: who set which leaf paths, and how (apply or a plain update). */
export interface Owner {
  manager: string;
  operation: 'Apply' | 'Update';
  time: string;
  paths: Set<string>;
}

export interface Managed {
  obj: Json;
  owners: Owner[];
}

export interface FieldConflict {
  manager: string;
  field: string;
  key: string;
}

export const now = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
export const minus = (a: Set<string>, b: Set<string>) => new Set([...a].filter((k) => !b.has(k)));
const sameSet = (a: Set<string>, b: Map<string, unknown>) =>
  a.size === b.size && [...a].every((k) => b.has(k));

/**
 * Server-side apply of `applied` (the manager's leaves) onto an existing object: another manager
 * owning a field with a different value is a conflict (refused unless `force`, which takes it
 * over); equal values are co-owned; fields the manager applied before and dropped now are removed
 * unless someone else owns them. Returns null when nothing changes, so no write happens.
 */
export function mergeApply(
  existing: Managed,
  applied: Map<string, { path: string[]; value: unknown }>,
  manager: string,
  force: boolean,
  refuse: (conflicts: FieldConflict[]) => ApiError,
): Managed | null {
  const conflicts: FieldConflict[] = [];
  for (const owner of existing.owners.filter((o) => o.manager !== manager)) {
    for (const [k, { path, value }] of applied) {
      if (owner.paths.has(k) && !sameJson(getAt(existing.obj, path), value)) {
        conflicts.push({ manager: owner.manager, field: '.' + path.join('.'), key: k });
      }
    }
  }
  if (conflicts.length && !force) throw refuse(conflicts);
  const forced = new Set(conflicts.map((c) => c.key));
  const mine = existing.owners.find((o) => o.manager === manager && o.operation === 'Apply');
  const others = existing.owners
    .filter((o) => o !== mine)
    .map((o) => ({ ...o, paths: minus(o.paths, forced) }))
    .filter((o) => o.paths.size > 0);
  const next = structuredClone(existing.obj);
  for (const k of mine?.paths ?? []) {
    if (!applied.has(k) && !others.some((o) => o.paths.has(k))) deleteAt(next, JSON.parse(k));
  }
  for (const { path, value } of applied.values()) setAt(next, path, value);
  if (sameJson(next, existing.obj) && mine && sameSet(mine.paths, applied) && forced.size === 0)
    return null;
  return {
    obj: next,
    owners: [
      ...others,
      { manager, operation: 'Apply', time: now(), paths: new Set(applied.keys()) },
    ],
  };
}
