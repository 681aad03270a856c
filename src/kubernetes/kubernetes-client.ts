import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { K8sMode } from '../config/env.schema';
import { buildKubeConfig } from './kube-config.factory';
import { KubeApi } from './kube-api';

/** The mode the platform runs Kubernetes in, and the API client when that mode is `cluster`. */
@Injectable()
export class KubernetesClient {
  readonly mode: K8sMode;
  private readonly kubeApi: KubeApi | null;

  constructor(config: AppConfig) {
    this.mode = config.k8sMode;
    this.kubeApi =
      this.mode === 'cluster'
        ? new KubeApi(buildKubeConfig(config), config.get('K8S_REQUEST_TIMEOUT_MS'))
        : null;
  }

  /** The API client; only in cluster mode (callers branch on `mode` first). */
  get api(): KubeApi {
    if (!this.kubeApi) throw new Error(`no Kubernetes API client in K8S_MODE=${this.mode}`);
    return this.kubeApi;
  }
}
