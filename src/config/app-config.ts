import { Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { EnvSchema, K8sMode } from './env.schema';

/** Typed access to the validated environment. Nothing else reads process.env. */
@Injectable()
export class AppConfig {
  constructor(private readonly config: ConfigService<EnvSchema, true>) {}

  get<K extends keyof EnvSchema>(key: K): EnvSchema[K] {
    return this.config.get(key, { infer: true });
  }

  get isProduction(): boolean {
    return this.get('NODE_ENV') === 'production';
  }

  get runsProcessors(): boolean {
    return this.get('RUN_MODE') !== 'api';
  }

  get servesHttpApi(): boolean {
    return this.get('RUN_MODE') !== 'worker';
  }

  /** The explicit K8S_MODE, else cluster when a cluster is configured, else dry-run. */
  get k8sMode(): K8sMode {
    const explicit = this.get('K8S_MODE');
    if (explicit) return explicit;
    const inCluster = Boolean(this.get('KUBERNETES_SERVICE_HOST'));
    return this.get('K8S_API_URL') || this.get('KUBECONFIG') || inCluster ? 'cluster' : 'dry-run';
  }

  get webhookSecrets(): string[] {
    return this.get('WEBHOOK_SECRET').split(/[ ,]+/).filter(Boolean);
  }
}
