import { Injectable, OnModuleInit } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { HealthRegistry } from '../health/health-registry.service';
import { messageOf } from './a2a-errors';
import { SANDBOX_PREFIX } from './agent-url';
import { GatewayUrls } from './gateway-urls';

const TIMEOUT_MS = 1_500;

/**
 * The `gateway` readiness check: the agent gateway answers HTTP (any status but 5xx), or the
 * built-in sandbox agent is in use (labelled as such). An unreachable gateway reports `degraded`,
 * not down: the API keeps serving and tasks wait for their retries, rather than every replica
 * leaving the load balancer because the agents are away.
 */
@Injectable()
export class GatewayHealth implements OnModuleInit {
  constructor(
    private readonly registry: HealthRegistry,
    private readonly indicator: HealthIndicatorService,
    private readonly urls: GatewayUrls,
  ) {}

  onModuleInit(): void {
    this.registry.register('gateway', () => this.check());
  }

  async check() {
    const check = this.indicator.check('gateway');
    const gateway = this.urls.settings.gateway;
    if (!gateway) {
      return check.up({
        mode: 'sandbox',
        url: `${this.urls.settings.publicUrl}/${SANDBOX_PREFIX}/`,
        note: 'AGENT_GATEWAY_URL is not set: the built-in SANDBOX agent (deterministic, no LLM) answers every VE without its own URL',
      });
    }
    try {
      const res = await fetch(gateway, {
        method: 'GET',
        redirect: 'manual',
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await res.body?.cancel().catch(() => undefined);
      if (res.status >= 500)
        return check.degraded({
          mode: 'gateway',
          url: gateway,
          message: `the gateway answered HTTP ${res.status}`,
        });
      return check.up({ mode: 'gateway', url: gateway, httpStatus: res.status });
    } catch (err) {
      return check.degraded({ mode: 'gateway', url: gateway, message: messageOf(err) });
    }
  }
}
