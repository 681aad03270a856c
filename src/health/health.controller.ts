import { Controller, Get } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { HealthRegistry } from './health-registry.service';
import { InfraIndicators } from './infra.indicators';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly infra: InfraIndicators,
    private readonly registry: HealthRegistry,
  ) {}

  @Get()
  @HealthCheck()
  all() {
    return this.ready();
  }

  /** Liveness: the process answers. Never depends on Redis or Postgres, so an outage does not restart pods. */
  @Get('live')
  @HealthCheck()
  live() {
    return this.health.check([]);
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.infra.postgres(),
      () => this.infra.redis(),
      ...this.registry.all(),
    ]);
  }
}
