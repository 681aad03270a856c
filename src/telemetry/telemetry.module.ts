import { Global, Injectable, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { stopTelemetry, telemetryStarted } from './otel';

/** Flushes the spans still buffered when the app closes (tracing is started in main.ts / worker.ts). */
@Injectable()
export class TelemetryShutdown implements OnApplicationShutdown {
  private readonly logger = new Logger('Telemetry');

  async onApplicationShutdown(): Promise<void> {
    if (!telemetryStarted()) return;
    await stopTelemetry().catch((err: unknown) =>
      this.logger.warn({ err }, 'flushing traces failed'),
    );
  }
}

@Global()
@Module({ providers: [TelemetryShutdown] })
export class TelemetryModule {}
