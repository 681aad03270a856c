import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { K8sMode } from '../config/env.schema';
import type { KubeApi } from './kube-api';

/** The mode the platform runs Kubernetes in, and the API client when that mode is `cluster`. */
@Injectable()
export class KubernetesClient {
  readonly mode: K8sMode;
  private readonly kubeApi: KubeApi | null;

  constructor(config: AppConfig) {
    this.mode = config.k8sMode;
    this.kubeApi = this.mode === 'cluster' ? createKubeApi(config) : null;
  }

  /** The API client; only in cluster mode (callers branch on `mode` first). */
  get api(): KubeApi {
    if (!this.kubeApi) throw new Error(`no Kubernetes API client in K8S_MODE=${this.mode}`);
    return this.kubeApi;
  }
}

/**
 * @kubernetes/client-node is loaded here, in cluster mode only: it costs ~65 MB of memory per
 * process (measured in bench/), which dry-run and off never use.
 */
function createKubeApi(config: AppConfig): KubeApi {
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { KubeApi: Api } = require('./kube-api') as typeof import('./kube-api');
  const { buildKubeConfig } =
    require('./kube-config.factory') as typeof import('./kube-config.factory');
  /* eslint-enable @typescript-eslint/no-require-imports */
  return new Api(buildKubeConfig(config), config.get('K8S_REQUEST_TIMEOUT_MS'));
}
