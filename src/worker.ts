import 'reflect-metadata';
import { createHttpApp, listen, loadEnvOrExit } from './bootstrap';
import { startTelemetry } from './telemetry/otel';

/** Worker-only app: BullMQ processors, with /health/* and /metrics on WORKER_PORT for probes. */
export async function bootstrapWorker(): Promise<void> {
  // `node dist/worker.js` is a worker whatever RUN_MODE says: fixed before the config module
  // loads (it validates the environment once, when first imported), hence the late import.
  const env = loadEnvOrExit({ RUN_MODE: 'worker' });
  await startTelemetry(env, 've-worker');
  const { WorkerAppModule } = await import('./worker-app.module');
  const app = await createHttpApp(WorkerAppModule, { swagger: false, bullBoard: false });
  await listen(app, env.WORKER_PORT, env.HOST);
}

if (require.main === module) {
  bootstrapWorker().catch((err: unknown) => {
    console.error('worker failed to start:', err);
    process.exit(1);
  });
}
