import { Global, Module } from '@nestjs/common';
import { EventStreamReader } from './event-stream.reader';
import { EventsController } from './events.controller';
import { EventsService } from './events.service';
import { LiveEventsService } from './live-events.service';
import { SupabaseRealtimeBroadcaster } from './supabase-realtime.broadcaster';

@Global()
@Module({
  providers: [EventsService, EventStreamReader, LiveEventsService, SupabaseRealtimeBroadcaster],
  exports: [EventsService, LiveEventsService],
})
export class EventsModule {}

export const EVENTS_CONTROLLERS = [EventsController];
