import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventsService } from '../../src/events/events.service';
import { createTestApp, TestApp } from '../helpers/test-app';
import { eventually, seedCustomer } from './support/tenants';

// The project-level testTimeout is not applied by jest (a global option): slow machines need more than 5 s.
jest.setTimeout(60_000);

interface Received {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: string;
}

/** Stands in for Supabase: records each request the real supabase-js client sends, answers like Realtime. */
class FakeSupabase {
  readonly requests: Received[] = [];
  status = 202;
  private server!: Server;

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        this.requests.push({
          method: req.method ?? '',
          path: url.pathname,
          query: url.searchParams,
          headers: req.headers,
          body,
        });
        res.writeHead(this.status, { 'content-type': 'application/json' });
        res.end(this.status === 202 ? '' : JSON.stringify({ message: 'realtime is down' }));
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  broadcasts(): Received[] {
    return this.requests.filter((r) => r.path.startsWith('/realtime/v1/api/broadcast'));
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const SERVICE_KEY = 'test-service-role-key';

describe('Supabase Realtime broadcast of domain events', () => {
  const supabase = new FakeSupabase();
  let t: TestApp;
  let customer: { id: string };

  beforeAll(async () => {
    const url = await supabase.start();
    t = await createTestApp({ env: { SUPABASE_URL: url, SUPABASE_SERVICE_ROLE_KEY: SERVICE_KEY } });
    customer = await seedCustomer(t);
  });
  afterAll(async () => {
    await t?.close();
    await supabase.stop();
  });

  it("sends each event to the customer's private channel through Realtime's REST broadcast endpoint", async () => {
    await t.get(EventsService).publish({
      type: 'task.completed',
      customerId: customer.id,
      taskId: 'task-1',
      data: { status: 'completed' },
    });
    const [req] = await eventually(
      async () => supabase.broadcasts().length === 1 && supabase.broadcasts(),
      'a broadcast',
    );

    expect(req!.method).toBe('POST');
    expect(req!.path).toBe(
      `/realtime/v1/api/broadcast/${encodeURIComponent(`customer:${customer.id}`)}/events/task.completed`,
    );
    expect(req!.query.get('private')).toBe('true');
    expect(req!.headers.apikey).toBe(SERVICE_KEY);
    expect(req!.headers.authorization).toBe(`Bearer ${SERVICE_KEY}`);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req!.body)).toEqual({
      type: 'task.completed',
      customerId: customer.id,
      taskId: 'task-1',
      data: { status: 'completed' },
      at: expect.any(String),
    });
  });

  it("keeps one customer's events in order", async () => {
    const before = supabase.broadcasts().length;
    const events = t.get(EventsService);
    await Promise.all(
      ['t1', 't2', 't3', 't4'].map((taskId) =>
        events.publish({ type: 'task.updated', customerId: customer.id, taskId }),
      ),
    );
    const sent = await eventually(
      async () =>
        supabase.broadcasts().length === before + 4 && supabase.broadcasts().slice(before),
      'four broadcasts',
    );
    expect(sent.map((r) => JSON.parse(r.body).taskId)).toEqual(['t1', 't2', 't3', 't4']);
  });

  it('logs and counts a failed broadcast without failing the publisher', async () => {
    supabase.status = 500;
    try {
      const id = await t
        .get(EventsService)
        .publish({ type: 've.status', customerId: customer.id, veId: 've-1' });
      expect(id).toMatch(/^\d+-\d+$/);
      await eventually(async () => {
        const metrics = await t.api('GET', '/metrics', { token: null });
        return /ve_realtime_broadcasts_total\{outcome="failed"\} [1-9]/.test(metrics.text);
      }, 'the failure to be counted');
    } finally {
      supabase.status = 202;
    }
    const metrics = await t.api('GET', '/metrics', { token: null });
    expect(metrics.text).toMatch(/ve_realtime_broadcasts_total\{outcome="sent"\} [1-9]/);
  });
});
