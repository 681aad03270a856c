import { Injectable, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { HealthRegistry } from '../health/health-registry.service';
import { KubeApiError } from './kube-api-error';
import { KubernetesClient } from './kubernetes-client';

/**
 * The `kubernetes` readiness entry: the mode, and in cluster mode whether the API server answers.
 * An unreachable API server is `degraded`, not `down`: every replica would fail readiness at
 * once and the whole API would go dark, although only deployments and live status need it.
 */
@Injectable()
export class KubernetesHealth implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly indicator: HealthIndicatorService,
    private readonly k8s: KubernetesClient,
  ) {}

  onModuleInit(): void {
    this.registry.register('kubernetes', () => this.check());
  }

  async check() {
    const check = this.indicator.check('kubernetes');
    const mode = this.k8s.mode;
    if (mode !== 'cluster') return check.up({ mode });
    try {
      const version = await this.k8s.api.serverVersion();
      return check.up({ mode, reachable: true, server: this.k8s.api.server, version });
    } catch (err) {
      const e = KubeApiError.from(err, 'GET /version');
      return check.degraded({
        mode,
        reachable: false,
        server: this.k8s.api.server,
        message: e.detail,
      });
    }
  }
}
