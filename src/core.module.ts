import { Module, RequestMethod } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { Logger as PinoLogger } from 'pino';
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
import { TelemetryModule } from './telemetry/telemetry.module';
import { traceLogMixin, traceLogProps } from './telemetry/trace-http';

/** What both apps (API and worker-only) stand on. */
@Module({
  imports: [
    ConfigModule,
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => {
        const service = config.get('RUN_MODE') === 'worker' ? 've-worker' : 've-api';
        // Request logs are at info: above it they are never written, so pino-http need not build
        // them, and the few lines written get service and trace id from the mixin at write time
        // rather than from a child logger built for every request (~3% of a request in bench/).
        const requestLogs = ['trace', 'debug', 'info'].includes(config.get('LOG_LEVEL'));
        return {
          // nestjs-pino's default route ('{/*splat}') matches nothing under @nestjs/platform-fastify 12:
          // no request logs, no request id on service logs. '*' is Nest's all-routes wildcard.
          forRoutes: [{ path: '*', method: RequestMethod.ALL }],
          pinoHttp: {
            level: config.get('LOG_LEVEL'),
            genReqId: (req) => requestIdOf(req),
            customProps: requestLogs
              ? (req: IncomingMessage) => ({ service, ...traceLogProps(req) })
              : undefined,
            mixin: requestLogs
              ? traceLogMixin
              : (obj: object, level: number, logger: PinoLogger) => ({
                  service,
                  ...traceLogMixin(obj, level, logger),
                }),
            redact: [
              'req.headers.authorization',
              'req.headers["x-api-key"]',
              'req.headers["webhook-signature"]',
            ],
            autoLogging: requestLogs
              ? {
                  ignore: (req) =>
                    Boolean(req.url?.startsWith('/health') || req.url === '/metrics'),
                }
              : false,
            serializers: {
              req: (req: { id: string; method: string; url: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
              }),
            },
          },
        };
      },
    }),
    DatabaseModule,
    RedisModule,
    QueueModule,
    MetricsModule,
    EventsModule,
    HealthModule,
    AuthModule,
    TelemetryModule,
  ],
  exports: [],
})
export class CoreModule {}
