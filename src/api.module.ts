import { Module } from '@nestjs/common';
import { AuthController } from './auth/auth.controller';
import { ThrottlingModule } from './common/throttling/throttling.module';
import { DOMAIN_CONTROLLERS, DOMAIN_MODULES } from './domains';
import { MetricsController } from './metrics/metrics.controller';
import { QueueBoardModule } from './queue/bull-board.module';

/** The HTTP API: every domain's controllers, Bull Board, metrics. */
@Module({
  imports: [...DOMAIN_MODULES, QueueBoardModule, ThrottlingModule],
  controllers: [AuthController, ...DOMAIN_CONTROLLERS, MetricsController],
})
export class ApiModule {}
