import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { AuthModule } from './auth/auth.module';
import { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { EventsModule } from './events/events.module';
import { HealthModule } from './health/health.module';
import { MetricsModule } from './metrics/metrics.module';
import { QueueModule } from './queue/queue.module';
import { RedisModule } from './redis/redis.module';
import { requestIdOf } from './common/request-id';

/** What both apps (API and worker-only) stand on. */
@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.get('LOG_LEVEL'),
          genReqId: (req) => requestIdOf(req),
          customProps: () => ({ service: config.get('RUN_MODE') === 'worker' ? 've-worker' : 've-api' }),
          redact: ['req.headers.authorization', 'req.headers["x-api-key"]', 'req.headers["webhook-signature"]'],
          autoLogging: { ignore: (req) => Boolean(req.url?.startsWith('/health') || req.url === '/metrics') },
          serializers: { req: (req: { id: string; method: string; url: string }) => ({ id: req.id, method: req.method, url: req.url }) },
        },
      }),
    }),
    DatabaseModule,
    RedisModule,
    QueueModule,
    MetricsModule,
    EventsModule,
    HealthModule,
    AuthModule,
  ],
  exports: [],
})
export class CoreModule {}
