import {
  createConfiguration,
  KubeConfig,
  KubernetesObject,
  ServerConfiguration,
  VersionApi,
} from '@kubernetes/client-node';
import { FIELD_MANAGER } from './kubernetes.constants';
import { KubeApiError } from './kube-api-error';
import { RawObjectApi } from './raw-object-api';
import type { K8sObject } from './render/k8s-object';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

/**
 * The few Kubernetes calls the platform makes, on @kubernetes/client-node: server-side apply,
 * read, delete and the server version. Every call has a deadline and fails as a KubeApiError.
 */
export class KubeApi {
  private readonly objects: RawObjectApi;
  private readonly versions: VersionApi;
  readonly server: string;

  constructor(kubeConfig: KubeConfig, timeoutMs: number) {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the Kubernetes configuration has no current cluster');
    const configuration = createConfiguration({
      baseServer: new ServerConfiguration(cluster.server, {}),
      authMethods: { default: kubeConfig },
      promiseMiddleware: [
        {
          // An API server that accepts connections but never answers must not hang a job or a probe.
          pre: async (ctx) => {
            ctx.setSignal(AbortSignal.timeout(timeoutMs));
            return ctx;
          },
          post: async (res) => res,
        },
      ],
    });
    this.objects = new RawObjectApi(configuration);
    this.versions = new VersionApi(configuration);
    this.server = cluster.server;
  }

  /** Server-side apply (application/apply-patch+yaml) as field manager `ve-backend`, taking over conflicts. */
  async apply<T extends KubernetesObject = KubernetesObject>(obj: K8sObject): Promise<T> {
    try {
      return (await this.objects.applyJson(obj as KubernetesObject, FIELD_MANAGER)) as T;
    } catch (err) {
      throw KubeApiError.from(err, `apply ${describe(obj)}`);
    }
  }

  /** The object, or null when it does not exist. */
  async read<T extends KubernetesObject = KubernetesObject>(ref: ObjectRef): Promise<T | null> {
    try {
      return (await this.objects.readJson(header(ref))) as T;
    } catch (err) {
      const e = KubeApiError.from(err, `read ${describe(ref)}`);
      if (e.code === 404 && e.reason !== 'NotServed') return null;
      throw e;
    }
  }

  /**
   * Deletes the object; false when it was already gone. A namespace that is already
   * terminating answers 409, which is the deletion we asked for in progress: true.
   */
  async delete(ref: ObjectRef): Promise<boolean> {
    try {
      await this.objects.deleteJson(header(ref), 'Background');
      return true;
    } catch (err) {
      const e = KubeApiError.from(err, `delete ${describe(ref)}`);
      if (e.code === 404 && e.reason !== 'NotServed') return false;
      if (e.code === 409 && ref.kind === 'Namespace') return true;
      throw e;
    }
  }

  /** GET /version: the cheapest call that proves the API server answers and accepts our credentials. */
  async serverVersion(): Promise<string> {
    try {
      const info = await this.versions.getCode();
      return info.gitVersion;
    } catch (err) {
      throw KubeApiError.from(err, 'GET /version');
    }
  }
}

function header(ref: ObjectRef) {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: { name: ref.name, namespace: ref.namespace },
  };
}

function describe(ref: ObjectRef | K8sObject): string {
  const name = 'metadata' in ref ? ref.metadata.name : ref.name;
  const namespace = 'metadata' in ref ? ref.metadata.namespace : ref.namespace;
  return `${ref.kind} ${namespace ? `${namespace}/` : ''}${name}`;
}
