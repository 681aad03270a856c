import 'reflect-metadata';
import { createHttpApp, listen, loadEnvOrExit } from './bootstrap';
import { startTelemetry } from './telemetry/otel';
import { bootstrapWorker } from './worker';

async function bootstrapApi(): Promise<void> {
  const env = loadEnvOrExit();
  if (env.RUN_MODE === 'worker') return bootstrapWorker();
  // Tracing (OTEL_ENABLED) starts before the app module loads pg and ioredis, so both get instrumented.
  await startTelemetry(env, 've-api');
  const { AppModule } = await import('./app.module');
  const app = await createHttpApp(AppModule, { swagger: true, bullBoard: true });
  await listen(app, env.PORT, env.HOST);
}

if (require.main === module) {
  bootstrapApi().catch((err: unknown) => {
    console.error('API failed to start:', err);
    process.exit(1);
  });
}
