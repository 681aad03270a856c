import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { createTestApp, TestApp } from '../helpers/test-app';
import {
  eventually,
  postSigned,
  seedTask,
  seedTenant,
  Tenant,
  WEBHOOK_TEST_SECRET,
} from './webhook-fixtures';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  verified: unknown;
}

/**
 * A customer's receiver: verifies every delivery with standardwebhooks and the endpoint's secret
 * (a delivery that does not verify is answered 401 and recorded as such); `/flaky` fails twice first.
 */
class Receiver {
  readonly received: Received[] = [];
  readonly secrets = new Map<string, string>();
  private flakyFailures = 0;
  private server!: Server;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '';
        let verified: unknown;
        try {
          verified = new Webhook(this.secrets.get(path) ?? 'whsec_bm9uZQ==').verify(
            body,
            req.headers as Record<string, string>,
          );
        } catch {
          verified = undefined;
        }
        this.received.push({ path, headers: req.headers, body, verified });
        if (!verified) return void res.writeHead(401).end('bad signature');
        if (path === '/flaky' && this.flakyFailures++ < 2)
          return void res.writeHead(500).end('try again');
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  at(path: string): Received[] {
    return this.received.filter((r) => r.path === path);
  }

  stop(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

describe('Outbound customer webhooks', () => {
  let t: TestApp;
  let tenant: Tenant;
  const receiver = new Receiver();
  beforeAll(async () => {
    await receiver.start();
    t = await createTestApp({
      env: { OUTBOUND_WEBHOOK_BACKOFF_MS: '200', OUTBOUND_WEBHOOK_ATTEMPTS: '8' },
    });
    tenant = await seedTenant(t);
  });
  afterAll(async () => {
    await t.close();
    await receiver.stop();
  });

  const as = () => ({ customerId: tenant.customerId });
  const register = async (path: string, events: string[]) => {
    const res = await t.api('POST', '/api/webhook-endpoints', {
      ...as(),
      body: { url: receiver.url + path, events, description: path },
    });
    expect(res.status).toBe(201);
    expect(res.body.secret).toMatch(/^whsec_/);
    receiver.secrets.set(path, res.body.secret);
    return res.body as { id: string; secret: string };
  };
  const deliveries = (endpointId: string) =>
    t.api('GET', `/api/webhook-endpoints/${endpointId}/deliveries`, as());

  it('registers endpoints (secret shown once), lists and hides them from other customers', async () => {
    const ep = await register('/listed', ['task.updated']);
    const list = await t.api('GET', '/api/webhook-endpoints', as());
    expect(list.status).toBe(200);
    const item = list.body.items.find((i: { id: string }) => i.id === ep.id);
    expect(item).toMatchObject({ url: `${receiver.url}/listed`, events: ['task.updated'] });
    expect(item.secret).toBeUndefined();
    const other = await seedTenant(t);
    expect(
      (await t.api('GET', `/api/webhook-endpoints/${ep.id}`, { customerId: other.customerId }))
        .status,
    ).toBe(404);
    const bad = await t.api('POST', '/api/webhook-endpoints', {
      ...as(),
      body: { url: 'not a url', events: ['nope'] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'events',
      'url',
    ]);
    expect((await t.api('DELETE', `/api/webhook-endpoints/${ep.id}`, as())).status).toBe(204);
    expect((await t.api('GET', `/api/webhook-endpoints/${ep.id}`, as())).status).toBe(404);
  });

  it('delivers a task event, signed with the endpoint secret, to the subscribed endpoint only', async () => {
    const done = await register('/done', ['task.completed']);
    await register('/messages-only', ['message.created']);
    const taskId = await seedTask(t, tenant);
    const cb = {
      eventType: 'task_update',
      customerId: tenant.customerId,
      veId: tenant.veId,
      taskId,
      status: 'completed',
      result: 'shipped',
    };
    expect(
      (await postSigned(t, '/api/webhooks/agent-callback', cb, { secret: WEBHOOK_TEST_SECRET }))
        .status,
    ).toBe(202);
    const got = await eventually(async () =>
      receiver.at('/done').find((r) => r.body.includes(taskId)),
    );
    expect(got.verified).toMatchObject({
      type: 'task.completed',
      data: { customerId: tenant.customerId, taskId },
    });
    expect(got.headers['webhook-id']).toMatch(/^evt_/);
    const log = await eventually(async () => {
      const res = await deliveries(done.id);
      return res.body.items?.find((d: { status: string }) => d.status === 'succeeded');
    });
    expect(log).toMatchObject({
      eventType: 'task.completed',
      attempts: 1,
      responseStatus: 204,
      eventId: got.headers['webhook-id'],
    });
    expect(receiver.at('/messages-only').filter((r) => r.body.includes(taskId))).toHaveLength(0);
  });

  it('retries with backoff: a receiver failing twice then succeeding gets the same event three times', async () => {
    const flaky = await register('/flaky', ['message.created']);
    // A VE message (through a signed callback) is a message.created event for this customer.
    const marker = `flaky-${randomUUID()}`;
    const cb = {
      eventType: 'message_send',
      customerId: tenant.customerId,
      veId: tenant.veId,
      message: marker,
    };
    expect(
      (await postSigned(t, '/api/webhooks/agent-callback', cb, { secret: WEBHOOK_TEST_SECRET }))
        .status,
    ).toBe(202);
    const log = await eventually(async () => {
      const res = await deliveries(flaky.id);
      return res.body.items?.find((d: { status: string }) => d.status === 'succeeded');
    });
    expect(log).toMatchObject({ attempts: 3, responseStatus: 204, error: null });
    const attempts = receiver
      .at('/flaky')
      .filter((r) => (r.verified as { type?: string } | undefined)?.type === 'message.created');
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.headers['webhook-id'])).size).toBe(1);
    expect(attempts.every((a) => a.verified)).toBe(true);
    const metrics = await t.api('GET', '/metrics', { token: null });
    expect(metrics.text).toMatch(/ve_outbound_webhook_deliveries_total\{outcome="failure"\} [1-9]/);
    expect(metrics.text).toMatch(/ve_outbound_webhook_deliveries_total\{outcome="success"\} [1-9]/);
  });
});
