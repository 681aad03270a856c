import { Module } from '@nestjs/common';
import { AuthController } from './auth/auth.controller';
import { DOMAIN_CONTROLLERS, DOMAIN_MODULES } from './domains';
import { MetricsController } from './metrics/metrics.controller';
import { QueueBoardModule } from './queue/bull-board.module';

/** The HTTP API: every domain's controllers, Bull Board, metrics. */
@Module({
  imports: [...DOMAIN_MODULES, QueueBoardModule],
  controllers: [AuthController, ...DOMAIN_CONTROLLERS, MetricsController],
})
export class ApiModule {}
