import { EventEmitter } from 'node:events';
import type { ServerResponse } from 'node:http';
import type { DomainEvent } from './domain-events';
import { compareStreamIds, MAX_BUFFERED_BYTES, SseConnection } from './sse-connection';

class FakeResponse extends EventEmitter {
  chunks: string[] = [];
  writableLength = 0;
  writableEnded = false;
  destroyed = false;
  write(chunk: string): boolean {
    this.chunks.push(chunk);
    return true;
  }
  end(): void {
    this.writableEnded = true;
  }
  destroy(): void {
    this.destroyed = true;
  }
  get text(): string {
    return this.chunks.join('');
  }
}

const event = (taskId: string): DomainEvent => ({
  type: 'task.updated',
  customerId: 'c',
  taskId,
  at: '2026-01-01T00:00:00.000Z',
});

function open(lastEventId?: string) {
  const res = new FakeResponse();
  const closed = jest.fn();
  const conn = new SseConnection(lastEventId, closed);
  return {
    res,
    conn,
    closed,
    start: (history: Array<[string, DomainEvent]> = []) =>
      conn.start(res as unknown as ServerResponse, history),
  };
}

describe('compareStreamIds', () => {
  it('orders by time, then sequence, numerically', () => {
    expect(compareStreamIds('9-0', '10-0')).toBeLessThan(0);
    expect(compareStreamIds('10-2', '10-10')).toBeLessThan(0);
    expect(compareStreamIds('10-1', '10-1')).toBe(0);
    expect(compareStreamIds('1764201600000-5', '1764201600000-4')).toBeGreaterThan(0);
  });
});

describe('SseConnection', () => {
  it('writes retry, the history, then held live events, then the connected comment', () => {
    const { res, conn, start } = open();
    conn.push('3-0', event('live'));
    start([['1-0', event('old')]]);
    expect(res.text).toBe(
      'retry: 3000\n\n' +
        `id: 1-0\nevent: task.updated\ndata: ${JSON.stringify(event('old'))}\n\n` +
        `id: 3-0\nevent: task.updated\ndata: ${JSON.stringify(event('live'))}\n\n` +
        ': connected\n\n',
    );
  });

  it('never repeats an event at or before the cursor (Last-Event-ID, overlap of history and live)', () => {
    const { res, conn, start } = open('2-0');
    conn.push('2-0', event('seen'));
    conn.push('3-0', event('a'));
    start([
      ['3-0', event('a')],
      ['4-0', event('b')],
    ]);
    conn.push('4-0', event('b'));
    conn.push('5-0', event('c'));
    expect(res.text.match(/^id: .*$/gm)).toEqual(['id: 3-0', 'id: 4-0', 'id: 5-0']);
  });

  it('keeps traceId out of what clients see', () => {
    const { res, conn, start } = open();
    start();
    conn.push('1-0', { ...event('x'), traceId: 'f'.repeat(32) });
    expect(res.text).not.toContain('traceId');
  });

  it('drops a client that stopped reading, instead of buffering without bound', () => {
    const { res, conn, closed, start } = open();
    start();
    res.writableLength = MAX_BUFFERED_BYTES + 1;
    conn.push('1-0', event('x'));
    expect(res.destroyed).toBe(true);
    expect(closed).toHaveBeenCalledTimes(1);
    expect(conn.isClosed).toBe(true);
  });

  it('cleans up once when the client goes away', () => {
    const { res, conn, closed, start } = open();
    start();
    res.emit('close');
    conn.close();
    expect(closed).toHaveBeenCalledTimes(1);
    conn.push('1-0', event('late'));
    expect(res.text).not.toContain('late');
  });
});
