import { Global, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { HealthRegistry } from './health-registry.service';
import { InfraIndicators } from './infra.indicators';

@Global()
@Module({
  imports: [TerminusModule.forRoot({ logger: false })],
  controllers: [HealthController],
  providers: [InfraIndicators, HealthRegistry],
  exports: [HealthRegistry, TerminusModule],
})
export class HealthModule {}
