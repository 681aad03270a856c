import type { ResourceType } from './resources';

/** A metav1.Status failure body, as the real API server sends with 4xx/5xx answers. */
export interface StatusBody {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message?: string;
  reason?: string;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    uid?: string;
    causes?: Array<Record<string, string>>;
  };
  code: number;
}

export class ApiError extends Error {
  constructor(readonly body: StatusBody) {
    super(body.message);
  }
}

const failure = (
  code: number,
  reason: string,
  message: string,
  details?: StatusBody['details'],
): ApiError =>
  new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason,
    details,
    code,
  });

/** "agents.kagent.dev" for kagent, "namespaces" for core: how the API server names a resource in messages. */
export const qualified = (t: ResourceType) => (t.group ? `${t.plural}.${t.group}` : t.plural);
const details = (t: ResourceType, name: string) => ({
  name,
  ...(t.group ? { group: t.group } : {}),
  kind: t.plural,
});

export const errors = {
  notFound: (t: ResourceType, name: string) =>
    failure(404, 'NotFound', `${qualified(t)} "${name}" not found`, details(t, name)),
  namespaceNotFound: (ns: string) =>
    failure(404, 'NotFound', `namespaces "${ns}" not found`, { name: ns, kind: 'namespaces' }),
  alreadyExists: (t: ResourceType, name: string) =>
    failure(409, 'AlreadyExists', `${qualified(t)} "${name}" already exists`, details(t, name)),
  conflict: (
    t: ResourceType,
    name: string,
    message: string,
    causes?: Array<Record<string, string>>,
  ) => failure(409, 'Conflict', message, { ...details(t, name), ...(causes ? { causes } : {}) }),
  namespaceTerminating: (t: ResourceType, name: string, ns: string) =>
    failure(
      403,
      'Forbidden',
      `${qualified(t)} "${name}" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
      {
        ...details(t, name),
        causes: [
          {
            reason: 'NamespaceTerminating',
            message: `namespace ${ns} is being terminated`,
            field: 'metadata.namespace',
          },
        ],
      },
    ),
  badRequest: (message: string) => failure(400, 'BadRequest', message),
  invalid: (t: ResourceType, name: string, message: string) =>
    failure(422, 'Invalid', `${t.kind} "${name}" is invalid: ${message}`, details(t, name)),
  unsupportedMediaType: (type: string) =>
    failure(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml (got ${type})`,
    ),
  methodNotAllowed: (method: string) =>
    failure(
      405,
      'MethodNotAllowed',
      `the server does not allow this method on the requested resource (${method})`,
    ),
  unauthorized: () => failure(401, 'Unauthorized', 'Unauthorized'),
};

export function successStatus(t: ResourceType, name: string, uid: string): StatusBody {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { ...details(t, name), uid },
    code: 200,
  };
}
