import { Global, Module } from '@nestjs/common';
import { MetricsService } from './metrics.service';
import { QueueMetricsCollector } from './queue-metrics.collector';

@Global()
@Module({
  providers: [MetricsService, QueueMetricsCollector],
  exports: [MetricsService],
})
export class MetricsModule {}
