import 'reflect-metadata';
import { AppModule } from './app.module';
import { createHttpApp, listen, loadEnvOrExit } from './bootstrap';
import { bootstrapWorker } from './worker';

async function bootstrapApi(): Promise<void> {
  const env = loadEnvOrExit();
  if (env.RUN_MODE === 'worker') return bootstrapWorker();
  const app = await createHttpApp(AppModule, { swagger: true, bullBoard: true });
  await listen(app, env.PORT, env.HOST);
}

if (require.main === module) {
  bootstrapApi().catch((err: unknown) => {
    console.error('API failed to start:', err);
    process.exit(1);
  });
}
