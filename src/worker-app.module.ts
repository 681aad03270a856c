import { Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { MetricsController } from './metrics/metrics.controller';
import { WorkersModule } from './workers.module';

/** The worker-only app: processors, plus /health/* and /metrics on WORKER_PORT for probes. */
@Module({
  imports: [CoreModule, WorkersModule],
  controllers: [MetricsController],
})
export class WorkerAppModule {}
