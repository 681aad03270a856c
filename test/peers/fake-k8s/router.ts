import { parse as parseYaml } from 'yaml';
import { isObject, Json } from './field-paths';
import type { ObjectStore } from './object-store';
import { apiVersionOf, findByPlural, groupList, resourceList, ResourceType } from './resources';
import { errors } from './status';

interface Target {
  type: ResourceType;
  namespace?: string;
  name?: string;
  subresource?: 'status';
}

const APPLY = 'application/apply-patch+yaml';
const MERGE = 'application/merge-patch+json';

/** The API server's URL space: discovery, /version, and the verbs on objects and their status. */
export class ApiRouter {
  constructor(private readonly store: ObjectStore) {}

  route(
    method: string,
    path: string,
    query: Record<string, string>,
    contentType: string | undefined,
    raw: string,
  ): [number, unknown] {
    const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
    if (path === '/version')
      return [
        200,
        { major: '1', minor: '32', gitVersion: 'v1.32.0-fake', platform: 'linux/amd64' },
      ];
    if (path === '/api')
      return [200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] }];
    if (path === '/apis') return [200, groupList()];
    const [group, version, rest] =
      seg[0] === 'api'
        ? ['', seg[1], seg.slice(2)]
        : seg[0] === 'apis'
          ? [seg[1], seg[2], seg.slice(3)]
          : [null, '', []];
    if (group === null || !version) return [404, '404 page not found'];
    if (rest.length === 0) {
      const list = resourceList(group, version);
      return list ? [200, list] : [404, '404 page not found'];
    }
    const target = this.target(group, version, rest);
    if (!target) return [404, '404 page not found'];
    return this.serve(method, target, query, contentType, raw);
  }

  private target(group: string, version: string, rest: string[]): Target | null {
    const at = (plural: string) => findByPlural(group, version, plural);
    const sub = (s: string | undefined) =>
      s === undefined ? {} : s === 'status' ? { subresource: 'status' as const } : null;
    if (rest[0] === 'namespaces' && rest.length >= 3 && rest[2] !== 'status') {
      const type = at(rest[2]);
      const extra = sub(rest[4]);
      if (!type?.namespaced || !extra || rest.length > 5) return null;
      return { type, namespace: rest[1], name: rest[3], ...extra };
    }
    const type = at(rest[0]);
    const extra = sub(rest[2]);
    if (!type || !extra || rest.length > 3 || (type.namespaced && rest.length > 1)) return null;
    return { type, name: rest[1], ...extra };
  }

  private serve(
    method: string,
    t: Target,
    query: Record<string, string>,
    contentType: string | undefined,
    raw: string,
  ): [number, unknown] {
    const { type, namespace, name } = t;
    const manager = query.fieldManager;
    if (!name) {
      if (method === 'GET') {
        const items = this.store.list(type, namespace, query.labelSelector);
        return [
          200,
          {
            kind: `${type.kind}List`,
            apiVersion: apiVersionOf(type),
            metadata: { resourceVersion: '' },
            items,
          },
        ];
      }
      if (method === 'POST')
        return [201, this.store.create(type, namespace, parseJson(raw), manager ?? 'unknown')];
      throw errors.methodNotAllowed(method);
    }
    if (t.subresource === 'status') {
      if (method === 'GET') return [200, this.store.get(type, namespace, name)];
      if (method === 'PATCH' && contentType === MERGE) {
        const status = parseJson(raw).status;
        return [200, this.store.setStatus(type, namespace, name, isObject(status) ? status : {})];
      }
      throw errors.methodNotAllowed(method);
    }
    switch (method) {
      case 'GET':
        return [200, this.store.get(type, namespace, name)];
      case 'DELETE':
        return [200, this.store.remove(type, namespace, name)];
      case 'PATCH':
        return this.patch(type, namespace, name, query, contentType, raw);
      default:
        throw errors.methodNotAllowed(method);
    }
  }

  private patch(
    type: ResourceType,
    ns: string | undefined,
    name: string,
    query: Record<string, string>,
    contentType: string | undefined,
    raw: string,
  ): [number, unknown] {
    if (contentType === APPLY) {
      if (!query.fieldManager)
        throw errors.badRequest('fieldManager: Required value: is required for apply patch');
      let config: unknown;
      try {
        config = parseYaml(raw);
      } catch (err) {
        throw errors.badRequest(`error decoding YAML: ${(err as Error).message}`);
      }
      if (!isObject(config)) throw errors.badRequest('the apply patch must be an object');
      const { obj, created } = this.store.apply(
        type,
        ns,
        name,
        config,
        query.fieldManager,
        query.force === 'true',
      );
      return [created ? 201 : 200, obj];
    }
    if (query.force !== undefined)
      throw errors.badRequest('force: Invalid value: may not be specified for non-apply patch');
    if (contentType === MERGE)
      return [
        200,
        this.store.mergePatch(type, ns, name, parseJson(raw), query.fieldManager ?? 'unknown'),
      ];
    throw errors.unsupportedMediaType(String(contentType));
  }
}

function parseJson(raw: string): Json {
  try {
    const v: unknown = JSON.parse(raw);
    if (!isObject(v)) throw new Error('not an object');
    return v;
  } catch (err) {
    throw errors.badRequest(`error decoding JSON body: ${(err as Error).message}`);
  }
}
