import {
  HttpMethod,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
} from '@kubernetes/client-node';

/**
 * KubernetesObjectApi that sends and returns objects as plain JSON. The stock methods run
 * built-in kinds through the typed model serializer, which reads TypeScript property names:
 * wire fields renamed in the models (NetworkPolicy `from` → `_from`, LimitRange `default` →
 * `_default`) are silently dropped from plain objects. Same paths, discovery and auth as the stock API.
 */
export class RawObjectApi extends KubernetesObjectApi {
  async applyJson(obj: KubernetesObject, fieldManager: string): Promise<KubernetesObject> {
    const ctx = await this.context(obj, 'patch', HttpMethod.PATCH);
    ctx.setHeaderParam('Content-Type', PatchStrategy.ServerSideApply);
    ctx.setQueryParam('fieldManager', fieldManager);
    ctx.setQueryParam('force', 'true');
    // JSON is YAML: the apply-patch+yaml content type accepts it as is.
    ctx.setBody(JSON.stringify(obj));
    return this.requestPromise(ctx, 'KubernetesObject');
  }

  async readJson(ref: KubernetesObject): Promise<KubernetesObject> {
    return this.requestPromise(await this.context(ref, 'read', HttpMethod.GET), 'KubernetesObject');
  }

  async deleteJson(
    ref: KubernetesObject,
    propagationPolicy: 'Background' | 'Foreground',
  ): Promise<unknown> {
    const ctx = await this.context(ref, 'delete', HttpMethod.DELETE);
    ctx.setQueryParam('propagationPolicy', propagationPolicy);
    return this.requestPromise(ctx, 'KubernetesObject');
  }

  private async context(
    obj: KubernetesObject,
    action: 'patch' | 'read' | 'delete',
    method: HttpMethod,
  ) {
    // specUriPath fills in defaults on the object it is given: hand it a copy.
    const path = await this.specUriPath(structuredClone(obj), action);
    const ctx = this.configuration.baseServer.makeRequestContext(path, method);
    ctx.setHeaderParam('Accept', 'application/json');
    return ctx;
  }
}
