/**
 * Pure rules of the org chart (who reports to whom), shared by the VEs domain (manager changes)
 * and the org chart (the tree). Every walk is bounded, so corrupt data can never loop forever.
 */
export interface OrgNode {
  id: string;
  managerId: string | null;
}

/** Levels from a root to the deepest report, root included. */
export const ORG_MAX_DEPTH = 10;

export type ManagerCheck =
  | { ok: true }
  | { ok: false; reason: 'self' | 'cycle' | 'depth' | 'unknown-manager'; message: string };

/** The managers above `id`, nearest first (stops at a root, an unknown id or a loop). */
export function chainOfCommand(nodes: readonly OrgNode[], id: string): string[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const chain: string[] = [];
  const seen = new Set([id]);
  let next = byId.get(id)?.managerId ?? null;
  while (next && byId.has(next) && !seen.has(next)) {
    chain.push(next);
    seen.add(next);
    next = byId.get(next)!.managerId;
  }
  return chain;
}

/** Everyone below `id`, at any depth (not `id` itself). */
export function reportsOf(nodes: readonly OrgNode[], id: string): Set<string> {
  const children = childrenIndex(nodes);
  const found = new Set<string>();
  const stack = [...(children.get(id) ?? [])];
  while (stack.length) {
    const next = stack.pop()!;
    if (next === id || found.has(next)) continue;
    found.add(next);
    stack.push(...(children.get(next) ?? []));
  }
  return found;
}

/** Levels of the subtree rooted at `id` (1 for a VE with no reports). */
export function heightOf(nodes: readonly OrgNode[], id: string): number {
  const children = childrenIndex(nodes);
  const walk = (node: string, seen: Set<string>): number => {
    let best = 0;
    for (const child of children.get(node) ?? []) {
      if (seen.has(child)) continue;
      best = Math.max(best, walk(child, new Set(seen).add(child)));
    }
    return best + 1;
  };
  return walk(id, new Set([id]));
}

/** Whether `veId` (null: a new VE with no reports) may report to `managerId` (null: become a root). */
export function checkManagerChange(
  nodes: readonly OrgNode[],
  veId: string | null,
  managerId: string | null,
): ManagerCheck {
  if (managerId === null) return { ok: true };
  if (veId !== null && managerId === veId)
    return { ok: false, reason: 'self', message: 'A VE cannot be its own manager' };
  if (!nodes.some((n) => n.id === managerId)) {
    return { ok: false, reason: 'unknown-manager', message: `Manager ${managerId} not found` };
  }
  const above = chainOfCommand(nodes, managerId);
  if (veId !== null && above.includes(veId)) {
    return {
      ok: false,
      reason: 'cycle',
      message: `${managerId} already reports to ${veId}: this would make a cycle`,
    };
  }
  const depth = above.length + 1 + (veId === null ? 1 : heightOf(nodes, veId));
  if (depth > ORG_MAX_DEPTH) {
    return {
      ok: false,
      reason: 'depth',
      message: `The org chart would be ${depth} levels deep; at most ${ORG_MAX_DEPTH} are allowed`,
    };
  }
  return { ok: true };
}

export interface OrgTreeNode<T> {
  ve: T;
  reports: OrgTreeNode<T>[];
}

/**
 * The forest in input order: VEs without a manager (or whose manager is not in the list) are
 * roots. A VE caught in a loop (impossible through the API) is shown as a root, never dropped.
 */
export function buildForest<T extends OrgNode>(nodes: readonly T[]): OrgTreeNode<T>[] {
  const ids = new Set(nodes.map((n) => n.id));
  const children = new Map<string, T[]>();
  const roots: T[] = [];
  for (const n of nodes) {
    if (n.managerId && ids.has(n.managerId) && n.managerId !== n.id) {
      children.set(n.managerId, [...(children.get(n.managerId) ?? []), n]);
    } else roots.push(n);
  }
  const placed = new Set<string>();
  const grow = (n: T): OrgTreeNode<T> => {
    placed.add(n.id);
    const reports = (children.get(n.id) ?? []).filter((c) => !placed.has(c.id)).map(grow);
    return { ve: n, reports };
  };
  const forest = roots.map(grow);
  for (const n of nodes) if (!placed.has(n.id)) forest.push(grow(n));
  return forest;
}

function childrenIndex(nodes: readonly OrgNode[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const n of nodes) {
    if (!n.managerId) continue;
    index.set(n.managerId, [...(index.get(n.managerId) ?? []), n.id]);
  }
  return index;
}
