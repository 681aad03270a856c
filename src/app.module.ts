import { Module } from '@nestjs/common';
import { ConditionalModule } from '@nestjs/config';
import { ApiModule } from './api.module';
import { CoreModule } from './core.module';
import { WorkersModule } from './workers.module';

/** The API app. With RUN_MODE=all (the default) it runs every processor too. */
@Module({
  imports: [
    CoreModule,
    ApiModule,
    ConditionalModule.registerWhen(WorkersModule, (env) => (env.RUN_MODE ?? 'all') === 'all'),
  ],
})
export class AppModule {}
