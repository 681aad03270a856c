import { Global, Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { JobMetricsListener } from './job-metrics.listener';
import { MetricsService } from './metrics.service';
import { QueueMetricsCollector } from './queue-metrics.collector';

@Global()
@Module({
  imports: [DiscoveryModule],
  providers: [MetricsService, QueueMetricsCollector, JobMetricsListener],
  exports: [MetricsService],
})
export class MetricsModule {}
