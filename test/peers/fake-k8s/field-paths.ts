/** Leaf paths of objects: how the fake tracks which field manager owns which field. */
export type FieldPath = string[];
export type Json = Record<string, unknown>;

export const pathKey = (p: FieldPath) => JSON.stringify(p);
export const fromKey = (k: string) => JSON.parse(k) as FieldPath;

export const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Fields the server owns: never part of anyone's applied configuration. */
const SERVER_FIELDS = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'deletionTimestamp',
]);

/**
 * Every leaf of a configuration (lists and empty objects are atomic leaves, as SSA treats
 * atomic lists), keyed by path, skipping identity and server-owned fields.
 */
export function leaves(
  obj: Json,
  skipStatus: boolean,
): Map<string, { path: FieldPath; value: unknown }> {
  const out = new Map<string, { path: FieldPath; value: unknown }>();
  const walk = (node: Json, base: FieldPath) => {
    for (const [k, v] of Object.entries(node)) {
      if (
        base.length === 0 &&
        (k === 'apiVersion' || k === 'kind' || (skipStatus && k === 'status'))
      )
        continue;
      if (base.length === 1 && base[0] === 'metadata' && SERVER_FIELDS.has(k)) continue;
      const p = [...base, k];
      if (isObject(v) && Object.keys(v).length > 0) walk(v, p);
      else out.set(pathKey(p), { path: p, value: v });
    }
  };
  walk(obj, []);
  return out;
}

export function getAt(obj: Json, path: FieldPath): unknown {
  let node: unknown = obj;
  for (const k of path) {
    if (!isObject(node)) return undefined;
    node = node[k];
  }
  return node;
}

export function setAt(obj: Json, path: FieldPath, value: unknown): void {
  let node = obj;
  for (const k of path.slice(0, -1)) {
    if (!isObject(node[k])) node[k] = {};
    node = node[k] as Json;
  }
  node[path[path.length - 1]] = structuredClone(value);
}

/** Removes a field and the objects it leaves empty (metadata itself stays). */
export function deleteAt(obj: Json, path: FieldPath): void {
  const parents: Json[] = [];
  let node = obj;
  for (const k of path.slice(0, -1)) {
    if (!isObject(node[k])) return;
    parents.push(node);
    node = node[k] as Json;
  }
  delete node[path[path.length - 1]];
  for (let i = path.length - 2; i >= 0; i--) {
    const parent = parents[i];
    const child = parent[path[i]];
    if (isObject(child) && Object.keys(child).length === 0 && !(i === 0 && path[0] === 'metadata'))
      delete parent[path[i]];
    else break;
  }
}

/** The managedFields `fieldsV1` form: {"f:spec":{"f:replicas":{}}}. */
export function toFieldsV1(paths: Iterable<string>): Json {
  const root: Json = {};
  for (const key of paths) {
    let node = root;
    for (const k of fromKey(key)) {
      const f = `f:${k}`;
      node[f] ??= {};
      node = node[f] as Json;
    }
  }
  return root;
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: Json, patch: Json): Json {
  const out: Json = { ...target };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (isObject(v) && isObject(out[k])) out[k] = mergePatch(out[k] as Json, v);
    else out[k] = structuredClone(v);
  }
  return out;
}

/** Deep equality of JSON values, key order ignored (and realm-independent, unlike util.isDeepStrictEqual). */
export function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (isObject(v)) {
    const keys = Object.keys(v)
      .filter((k) => v[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'undefined';
}
