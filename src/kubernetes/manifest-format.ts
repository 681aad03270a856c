import type { FastifyReply, FastifyRequest } from 'fastify';
import { asList, K8sObject } from './render/k8s-object';
import { toYamlDocuments } from './render/yaml';

export const YAML_CONTENT_TYPE = 'application/yaml; charset=utf-8';

/** YAML (multi-document) unless the client asks for JSON, which gets a `kind: List`. */
export function sendManifest(
  req: FastifyRequest,
  reply: FastifyReply,
  objects: K8sObject[],
  comments: string[] = [],
): string | ReturnType<typeof asList> {
  const accept = String(req.headers.accept ?? '');
  if (/application\/json/i.test(accept) && !/yaml/i.test(accept)) {
    void reply.header('content-type', 'application/json; charset=utf-8');
    return asList(objects);
  }
  void reply.header('content-type', YAML_CONTENT_TYPE);
  return toYamlDocuments(objects, comments);
}
