import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { KYSELY } from './database.constants';
import { createDatabase, DatabaseHandle } from './kysely.factory';
import { migrate } from './migrator';

const HANDLE = Symbol('DATABASE_HANDLE');
export const MIGRATIONS_DIR = join(__dirname, '..', '..', 'supabase', 'migrations');

@Global()
@Module({
  providers: [
    {
      provide: HANDLE,
      inject: [AppConfig],
      useFactory: async (config: AppConfig): Promise<DatabaseHandle> => {
        const logger = new Logger('Database');
        const handle = await createDatabase({
          databaseUrl: config.get('DATABASE_URL'),
          pgliteDir: config.get('PGLITE_DIR'),
          poolSize: config.get('DATABASE_POOL_SIZE'),
        });
        const result = await handle.withSession((s) =>
          migrate(s, MIGRATIONS_DIR, (m) => logger.log(m)),
        );
        logger.log(`${handle.kind} ready; ${result.applied.length} migration(s) applied`);
        return handle;
      },
    },
    { provide: KYSELY, inject: [HANDLE], useFactory: (h: DatabaseHandle) => h.db },
  ],
  exports: [KYSELY],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(HANDLE) private readonly handle: DatabaseHandle) {}

  async onApplicationShutdown(): Promise<void> {
    await this.handle.close();
  }
}
