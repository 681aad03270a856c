import { randomUUID } from 'node:crypto';
import { isObject, Json, leaves, mergePatch, sameJson, toFieldsV1 } from './field-paths';
import { apiVersionOf, RESOURCES, ResourceType } from './resources';
import { errors, qualified, successStatus } from './status';
import { mergeApply, Managed, minus, now, Owner } from './server-side-apply';
import { validateObject } from './validation';

interface Stored extends Managed {
  type: ResourceType;
}

const NAMESPACE = RESOURCES.find((t) => t.kind === 'Namespace')!;
const meta = (o: Json) => o.metadata as Json;
/** What metadata.generation follows: everything but metadata and status. */
const content = (o: Json) =>
  Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'metadata' && k !== 'status'));

/**
 * The fake's etcd: objects by resource/namespace/name with resourceVersion, generation,
 * managedFields (server-side apply ownership) and the namespace lifecycle.
 */
export class ObjectStore {
  private readonly objects = new Map<string, Stored>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private rv = 1000;

  constructor(private readonly opts: { namespaceTerminationMs: number }) {}

  get(t: ResourceType, ns: string | undefined, name: string): Json {
    return this.render(this.require(t, ns, name));
  }

  find(t: ResourceType, ns: string | undefined, name: string): Json | undefined {
    const s = this.objects.get(this.key(t, ns, name));
    return s && this.render(s);
  }

  list(t: ResourceType, ns: string | undefined, selector?: string): Json[] {
    return [...this.objects.values()]
      .filter(
        (s) =>
          s.type === t &&
          (!ns || meta(s.obj).namespace === ns) &&
          matches(meta(s.obj).labels as Json, selector),
      )
      .map((s) => this.render(s));
  }

  create(t: ResourceType, ns: string | undefined, body: Json, manager: string): Json {
    const name = String(meta(body)?.name ?? '');
    this.checkBody(t, ns, name, body);
    if (this.objects.has(this.key(t, ns, name))) throw errors.alreadyExists(t, name);
    this.checkNamespaceAcceptsNew(t, ns, name);
    const s = this.insert(t, ns, body);
    s.owners.push({
      manager,
      operation: 'Update',
      time: now(),
      paths: new Set(leaves(body, t.statusSubresource).keys()),
    });
    return this.render(s);
  }

  /** Server-side apply: `config` is the manager's whole intent for the fields it sets. */
  apply(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    config: Json,
    manager: string,
    force: boolean,
  ) {
    this.checkBody(t, ns, name, config);
    const applied = leaves(config, t.statusSubresource);
    const existing = this.objects.get(this.key(t, ns, name));
    if (!existing) {
      this.checkNamespaceAcceptsNew(t, ns, name);
      const s = this.insert(t, ns, config);
      s.owners.push({ manager, operation: 'Apply', time: now(), paths: new Set(applied.keys()) });
      return { obj: this.render(s), created: true };
    }
    const merged = mergeApply(existing, applied, manager, force, (conflicts) => {
      const list = conflicts.map((c) => `conflict with "${c.manager}": ${c.field}`);
      const n = conflicts.length;
      return errors.conflict(
        t,
        name,
        `Apply failed with ${n} conflict${n > 1 ? 's' : ''}: ${list.join('; ')}`,
        conflicts.map((c) => ({
          type: 'FieldManagerConflict',
          message: `conflict with "${c.manager}"`,
          field: c.field,
        })),
      );
    });
    if (merged) this.write(existing, merged.obj, merged.owners);
    return { obj: this.render(existing), created: false };
  }

  mergePatch(
    t: ResourceType,
    ns: string | undefined,
    name: string,
    patch: Json,
    manager: string,
  ): Json {
    const existing = this.require(t, ns, name);
    const next = mergePatch(
      existing.obj,
      t.statusSubresource ? { ...patch, status: undefined } : patch,
    );
    if (t.statusSubresource) next.status = existing.obj.status;
    this.checkBody(t, ns, name, next);
    const touched = new Set(leaves(patch, t.statusSubresource).keys());
    const owners = existing.owners.map((o) =>
      o.manager === manager ? o : { ...o, paths: minus(o.paths, touched) },
    );
    const own = owners.find((o) => o.manager === manager && o.operation === 'Update');
    if (own) for (const k of touched) own.paths.add(k);
    else owners.push({ manager, operation: 'Update', time: now(), paths: touched });
    if (!sameJson(next, existing.obj))
      this.write(
        existing,
        next,
        owners.filter((o) => o.paths.size > 0),
      );
    return this.render(existing);
  }

  /** The status subresource (kagent's controller writes Agent status; tests play it). */
  setStatus(t: ResourceType, ns: string | undefined, name: string, status: Json): Json {
    const existing = this.require(t, ns, name);
    this.write(existing, { ...existing.obj, status: structuredClone(status) }, existing.owners);
    return this.render(existing);
  }

  /** DELETE: gone at once, except namespaces, which terminate (and refuse a second delete with 409). */
  remove(t: ResourceType, ns: string | undefined, name: string): Json {
    const existing = this.require(t, ns, name);
    if (t === NAMESPACE) {
      if (meta(existing.obj).deletionTimestamp) {
        throw errors.conflict(
          t,
          name,
          `Operation cannot be fulfilled on namespaces "${name}": The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.`,
        );
      }
      const next = structuredClone(existing.obj);
      meta(next).deletionTimestamp = now();
      next.status = { phase: 'Terminating' };
      this.write(existing, next, existing.owners);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        for (const [k, s] of this.objects)
          if (meta(s.obj).namespace === name) this.objects.delete(k);
        this.objects.delete(this.key(t, undefined, name));
      }, this.opts.namespaceTerminationMs);
      this.timers.add(timer);
      return this.render(existing);
    }
    this.objects.delete(this.key(t, ns, name));
    return successStatus(t, name, String(meta(existing.obj).uid)) as unknown as Json;
  }

  namespacePhase(name: string): 'Active' | 'Terminating' | undefined {
    const ns = this.objects.get(this.key(NAMESPACE, undefined, name));
    return ns ? ((ns.obj.status as Json)?.phase as 'Active' | 'Terminating') : undefined;
  }

  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private checkBody(t: ResourceType, ns: string | undefined, name: string, body: Json): void {
    if (!isObject(body) || !isObject(body.metadata))
      throw errors.badRequest('Object has no metadata');
    if (body.apiVersion !== apiVersionOf(t) || body.kind !== t.kind) {
      throw errors.badRequest(
        `the API version in the data (${String(body.apiVersion)}) and kind (${String(body.kind)}) do not match the expected ${apiVersionOf(t)} ${t.kind}`,
      );
    }
    const m = meta(body);
    if (m.name !== undefined && m.name !== name) {
      throw errors.badRequest(
        `the name of the object (${String(m.name)}) does not match the name on the URL (${name})`,
      );
    }
    if (t.namespaced && m.namespace !== undefined && m.namespace !== ns) {
      throw errors.badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
    validateObject(t, name, body);
  }

  private checkNamespaceAcceptsNew(t: ResourceType, ns: string | undefined, name: string): void {
    if (!t.namespaced || !ns) return;
    const phase = this.namespacePhase(ns);
    if (!phase) throw errors.namespaceNotFound(ns);
    if (phase === 'Terminating') throw errors.namespaceTerminating(t, name, ns);
  }

  private insert(t: ResourceType, ns: string | undefined, body: Json): Stored {
    const obj = structuredClone(body);
    if (t.statusSubresource) delete obj.status;
    const name = String(meta(obj).name);
    obj.metadata = {
      ...meta(obj),
      ...(t.namespaced ? { namespace: ns } : {}),
      uid: randomUUID(),
      resourceVersion: String(++this.rv),
      creationTimestamp: now(),
      ...(t.generation ? { generation: 1 } : {}),
    };
    if (t === NAMESPACE) {
      meta(obj).labels = {
        ...((meta(obj).labels as Json) ?? {}),
        'kubernetes.io/metadata.name': name,
      };
      obj.spec = { finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
    }
    const s: Stored = { type: t, obj, owners: [] };
    this.objects.set(this.key(t, ns, name), s);
    return s;
  }

  private write(s: Stored, next: Json, owners: Owner[]): void {
    if (s.type.generation && !sameJson(content(next), content(s.obj))) {
      meta(next).generation = Number(meta(s.obj).generation ?? 0) + 1;
    }
    meta(next).resourceVersion = String(++this.rv);
    s.obj = next;
    s.owners = owners;
  }

  private require(t: ResourceType, ns: string | undefined, name: string): Stored {
    const s = this.objects.get(this.key(t, ns, name));
    if (!s) throw errors.notFound(t, name);
    return s;
  }

  private key(t: ResourceType, ns: string | undefined, name: string): string {
    return `${qualified(t)}/${t.namespaced ? (ns ?? '') : ''}/${name}`;
  }

  private render(s: Stored): Json {
    const obj = structuredClone(s.obj);
    meta(obj).managedFields = s.owners.map((o) => ({
      manager: o.manager,
      operation: o.operation,
      apiVersion: apiVersionOf(s.type),
      time: o.time,
      fieldsType: 'FieldsV1',
      fieldsV1: toFieldsV1(o.paths),
    }));
    return obj;
  }
}

/** Equality-based label selectors: `a=b`, `a==b`, `a!=b`, `a` (exists), comma-separated. */
function matches(labels: Json | undefined, selector?: string): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const [, key, op, value] = /^\s*([^!=\s]+)\s*(!=|==|=)?\s*(.*?)\s*$/.exec(term) ?? [];
    const actual = labels?.[key];
    if (!op) return actual !== undefined;
    return op === '!=' ? actual !== value : actual === value;
  });
}
