import { BeforeApplicationShutdown, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import { ServiceUnavailableError, ValidationFailedError } from '../common/domain-errors';
import { AppConfig } from '../config/app-config';
import { MetricsService } from '../metrics/metrics.service';
import type { DomainEvent } from './domain-events';
import { EventStreamReader } from './event-stream.reader';
import { SseConnection, STREAM_ID } from './sse-connection';

/** A subscription made before the response starts, so a failure can still be an HTTP error. */
export interface PreparedStream {
  start(res: ServerResponse): void;
  cancel(): void;
}

/**
 * The Server-Sent Events clients of this process: subscribes a client to its customer's events,
 * replays the history after Last-Event-ID, sends heartbeats from one timer for all clients, and
 * ends every stream on shutdown so the HTTP server can close.
 */
@Injectable()
export class LiveEventsService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger(LiveEventsService.name);
  private readonly connections = new Set<SseConnection>();
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly reader: EventStreamReader,
    private readonly config: AppConfig,
    private readonly metrics: MetricsService,
  ) {}

  onModuleInit(): void {
    this.metrics.onCollect(async () => this.metrics.sseClients.set(this.connections.size));
  }

  /** Validates a Last-Event-ID (a bad one is a 400). */
  checkLastEventId(lastEventId: string | undefined): string | undefined {
    const id = lastEventId?.trim() || undefined;
    if (id !== undefined && !STREAM_ID.test(id)) {
      throw new ValidationFailedError('Last-Event-ID: not an event id sent by this stream', [
        { field: 'lastEventId', problems: ['must be an id received in an `id:` line'] },
      ]);
    }
    return id;
  }

  /** Subscribes to the customer's events and reads the history after lastEventId; 503 when Redis is down. */
  async prepare(customerId: string, lastEventId: string | undefined): Promise<PreparedStream> {
    let unsubscribe: (() => void) | undefined;
    const conn = new SseConnection(lastEventId, () => {
      unsubscribe?.();
      this.connections.delete(conn);
      this.stopHeartbeatWhenIdle();
    });
    let history: Array<[string, DomainEvent]>;
    try {
      unsubscribe = await this.reader.subscribe(customerId, (id, event) => conn.push(id, event));
      history = lastEventId ? await this.reader.history(customerId, lastEventId) : [];
    } catch (err) {
      conn.close();
      this.logger.warn({ err, customerId }, 'event stream could not be opened');
      throw new ServiceUnavailableError('Live events are unavailable right now', { cause: err });
    }
    return {
      start: (res) => {
        this.connections.add(conn);
        this.startHeartbeat();
        conn.start(res, history);
      },
      cancel: () => conn.close(),
    };
  }

  get clientCount(): number {
    return this.connections.size;
  }

  beforeApplicationShutdown(): void {
    for (const conn of [...this.connections]) conn.close();
    this.stopHeartbeatWhenIdle();
  }

  private startHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      for (const conn of this.connections) conn.comment('heartbeat');
    }, this.config.get('SSE_HEARTBEAT_MS'));
    this.heartbeat.unref();
  }

  private stopHeartbeatWhenIdle(): void {
    if (this.connections.size > 0 || !this.heartbeat) return;
    clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
