import type { ServerResponse } from 'node:http';
import type { DomainEvent } from './domain-events';

/** A client that falls this far behind is dropped; it reconnects with Last-Event-ID and catches up. */
export const MAX_BUFFERED_BYTES = 1_048_576;
/** What EventSource waits before reconnecting, sent once as `retry:`. */
export const RECONNECT_MS = 3_000;

/** Compares two Redis stream ids (`<ms>-<seq>`). */
export function compareStreamIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt) as [bigint, bigint];
  const [bm, bs] = b.split('-').map(BigInt) as [bigint, bigint];
  return am === bm ? Number(as - bs) : am < bm ? -1 : 1;
}

export const STREAM_ID = /^\d{1,20}-\d{1,20}$/;

/**
 * One Server-Sent Events client. Frames are written straight to the socket (no compression, no
 * buffering). Events at or before the cursor are skipped, so a replayed history and the live
 * feed can overlap without duplicates; live events that arrive before the response started wait.
 */
export class SseConnection {
  private res: ServerResponse | undefined;
  private cursor: string | undefined;
  private held: Array<[string, DomainEvent]> | undefined = [];
  private closed = false;

  constructor(
    lastEventId: string | undefined,
    private readonly onClose: () => void,
  ) {
    this.cursor = lastEventId;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** A live event: written now, or held until the response has started and the history is out. */
  push(id: string, event: DomainEvent): void {
    if (this.held) this.held.push([id, event]);
    else this.send(id, event);
  }

  /** Starts streaming into a response whose headers are sent: the history, what arrived meanwhile, then live. */
  start(res: ServerResponse, history: Array<[string, DomainEvent]>): void {
    this.res = res;
    res.on('close', () => this.close());
    if (res.destroyed) return this.close();
    this.write(`retry: ${RECONNECT_MS}\n\n`);
    for (const [id, event] of history) this.send(id, event);
    const held = this.held ?? [];
    this.held = undefined;
    for (const [id, event] of held) this.send(id, event);
    // Tells the client (and tests) that everything published from now on will arrive.
    this.comment('connected');
  }

  comment(text: string): void {
    this.write(`: ${text}\n\n`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.held = undefined;
    this.onClose();
    if (this.res && !this.res.writableEnded) this.res.end();
  }

  private send(id: string, event: DomainEvent): void {
    if (this.cursor && compareStreamIds(id, this.cursor) <= 0) return;
    this.cursor = id;
    // traceId is internal plumbing; clients get the type, ids, data and time.
    const { traceId: _traceId, ...visible } = event;
    this.write(`id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(visible)}\n\n`);
  }

  private write(frame: string): void {
    const res = this.res;
    if (this.closed || !res) return;
    if (res.writableLength > MAX_BUFFERED_BYTES) {
      // A stalled reader must not grow this process's memory without bound.
      res.destroy();
      this.close();
      return;
    }
    res.write(frame);
  }
}
