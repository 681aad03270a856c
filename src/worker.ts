import 'reflect-metadata';
import { createHttpApp, listen, loadEnvOrExit } from './bootstrap';
import { WorkerAppModule } from './worker-app.module';

/** Worker-only app: BullMQ processors, with /health/* and /metrics on WORKER_PORT for probes. */
export async function bootstrapWorker(): Promise<void> {
  const env = loadEnvOrExit();
  const app = await createHttpApp(WorkerAppModule, { swagger: false, bullBoard: false });
  await listen(app, env.WORKER_PORT, env.HOST);
}

if (require.main === module) {
  bootstrapWorker().catch((err: unknown) => {
    console.error('worker failed to start:', err);
    process.exit(1);
  });
}
