import type { Queue } from 'bullmq';
import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { SseClient } from '../events/support/sse-client';
import { eventually, seedCustomer, seedVe } from '../events/support/tenants';
import { createTestApp, TestApp, WEBHOOK_SECRET } from '../helpers/test-app';
import { parsePrometheusText, valueOf, type Family } from './support/prometheus-text';

// The project-level testTimeout is not applied by jest (a global option): slow machines need more than 5 s.
jest.setTimeout(150_000);

/** The metrics of the original guide's "Metrics to Monitor", and where each one shows. */
describe('/metrics (Prometheus) moves with the work', () => {
  let t: TestApp;
  let customer: { id: string; apiKey: string };
  let ve: { id: string; agentName: string };
  let receiver: Server;
  const received: string[] = [];

  const scrape = async (): Promise<Map<string, Family>> => {
    const res = await t.api('GET', '/metrics', { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    return parsePrometheusText(res.text);
  };
  const signed = (id: string, body: unknown, secret = WEBHOOK_SECRET) => {
    const payload = JSON.stringify(body);
    const timestamp = new Date();
    const signature = new Webhook(secret).sign(id, timestamp, payload);
    return {
      token: null,
      body: payload,
      headers: {
        'content-type': 'application/json',
        'webhook-id': id,
        'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
        'webhook-signature': signature,
      },
    };
  };

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    t = await createTestApp();
    customer = await seedCustomer(t, 'Metered');
    ve = await seedVe(t, customer.id, { name: 'Worker' });
  });
  afterAll(async () => {
    await t?.close();
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  });

  it('serves valid Prometheus text with the default Node metrics', async () => {
    const families = await scrape();
    expect(families.get('ve_process_cpu_user_seconds_total')?.type).toBe('counter');
    expect(families.get('ve_nodejs_eventloop_lag_seconds')?.type).toBe('gauge');
    for (const name of [
      've_queue_jobs',
      've_job_duration_seconds',
      've_agent_invocations_total',
      've_tokens_total',
      've_webhooks_received_total',
      've_webhooks_rejected_total',
      've_webhooks_duplicate_total',
      've_outbound_webhook_deliveries_total',
      've_virtual_employees',
    ]) {
      expect(families.has(name)).toBe(true);
    }
  });

  it('shows every platform metric moving after a task runs end to end', async () => {
    const endpoint = await t.api<{ id: string }>('POST', '/api/webhook-endpoints', {
      token: customer.apiKey,
      body: {
        url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
        events: ['task.completed'],
      },
    });
    expect(endpoint.status).toBe(201);
    const sse = await SseClient.connect(`${t.url}/api/events`, {
      authorization: `Bearer ${customer.apiKey}`,
    });
    const before = await scrape();

    // A task through the sandbox agent: a tasks job, an A2A invocation, token usage, a task.completed event.
    const task = await t.api<{ id: string }>('POST', '/api/tasks', {
      token: customer.apiKey,
      body: { title: 'Summarise the quarterly numbers', veId: ve.id },
    });
    expect(task.status).toBe(201);
    await sse.waitFor(
      () => sse.payloads('task.completed').some((e) => e.taskId === task.body.id),
      'task.completed',
      90_000,
    );
    // A message: a messages job.
    await t.api('POST', '/api/messages', {
      token: customer.apiKey,
      body: { veId: ve.id, content: 'Thanks!' },
    });
    // Agent webhooks: one accepted, one duplicate, one with a bad signature.
    const usage = {
      eventType: 'token_usage',
      customerId: customer.id,
      veId: ve.id,
      usage: { model: 'gpt-4o-mini', inputTokens: 10, outputTokens: 5 },
    };
    expect(
      (await t.api('POST', '/api/webhooks/agent-callback', signed('msg_metrics_1', usage))).status,
    ).toBe(202);
    expect(
      (await t.api('POST', '/api/webhooks/agent-callback', signed('msg_metrics_1', usage))).status,
    ).toBe(200);
    const forged = signed(
      'msg_metrics_2',
      usage,
      'whsec_' + Buffer.from('not-the-secret-0123456789').toString('base64'),
    );
    expect((await t.api('POST', '/api/webhooks/agent-callback', forged)).status).toBe(401);
    // Another VE, so the VE gauge has something to count.
    await seedVe(t, customer.id, { name: 'Second', status: 'deploying' });

    const after = await eventually(async () => {
      const m = await scrape();
      const done =
        valueOf(m, 've_job_duration_seconds_count', { queue: 'messages' }) >
          valueOf(before, 've_job_duration_seconds_count', { queue: 'messages' }) &&
        valueOf(m, 've_outbound_webhook_deliveries_total') >
          valueOf(before, 've_outbound_webhook_deliveries_total');
      return done ? m : undefined;
    }, 'the message job and the outbound delivery');
    sse.close();

    const moved = (name: string, labels: Record<string, string> = {}) =>
      [name, labels, valueOf(after, name, labels) - valueOf(before, name, labels)] as const;
    const deltas = [
      moved('ve_queue_jobs', { queue: 'tasks', state: 'completed' }),
      moved('ve_job_duration_seconds_count', { queue: 'tasks', outcome: 'completed' }),
      moved('ve_job_duration_seconds_count', { queue: 'messages' }),
      moved('ve_agent_invocations_total', { outcome: 'completed' }),
      moved('ve_tokens_total', { customer_id: customer.id, direction: 'input' }),
      moved('ve_tokens_total', { customer_id: customer.id, direction: 'output' }),
      moved('ve_webhooks_received_total', { event_type: 'token_usage' }),
      moved('ve_webhooks_duplicate_total'),
      moved('ve_webhooks_rejected_total'),
      moved('ve_outbound_webhook_deliveries_total', { outcome: 'success' }),
      moved('ve_virtual_employees', { status: 'deploying' }),
    ];
    expect(deltas.filter(([, , delta]) => !(delta > 0))).toEqual([]);
    expect(valueOf(after, 've_virtual_employees', { status: 'ready' })).toBeGreaterThanOrEqual(1);
    expect(received.some((body) => body.includes(task.body.id))).toBe(true);
  });

  it('counts each job once in ve_job_duration_seconds', async () => {
    const deployments = t.app.get<Queue>('BullQueue_deployments', { strict: false });
    const counted = (m: Map<string, Family>) =>
      // Completed runs only: a first attempt may fail (racing the commit) and is retried.
      valueOf(m, 've_job_duration_seconds_count', { queue: 'deployments', outcome: 'completed' });
    const before = counted(await scrape());
    // One VE (dry-run): one deploy job on the deployments queue, and nothing else on it.
    const created = await t.api<{ id: string; generation: number }>('POST', '/api/ves', {
      token: customer.apiKey,
      body: {
        name: 'Counted Once',
        role: 'analyst',
        systemPrompt: 'You analyse numbers.',
        model: 'gpt-4o-mini',
        skills: ['analysis'],
        tools: [],
      },
    });
    expect(created.status).toBe(201);
    const job = await eventually(
      async () => deployments.getJob(`ve-${created.body.id}-1`),
      'the deploy job',
    );
    // Completed in Redis: the worker has emitted 'completed' (and any timer has stopped) by now.
    await eventually(
      async () => (await job.isCompleted()) || undefined,
      'the deploy job to finish',
    );
    await eventually(async () => counted(await scrape()) > before || undefined, 'the job counted');
    expect(counted(await scrape()) - before).toBe(1);
  });
});

describe('the Prometheus text parser used above', () => {
  it('refuses what Prometheus would refuse', () => {
    expect(() => parsePrometheusText('# TYPE a counter\na{x="1"} 1\na{x="1"} 2\n')).toThrow(
      /repeated/,
    );
    expect(() => parsePrometheusText('b 1\n')).toThrow(/outside/);
    expect(() => parsePrometheusText('# TYPE a gauge\na{x=1} 1\n')).toThrow(/labels/);
    expect(() => parsePrometheusText('# TYPE a gauge\na one\n')).toThrow(/value/);
    const histogram = (inf: number) =>
      `# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} ${inf}\nh_sum 3\nh_count 3\n`;
    expect(() => parsePrometheusText(histogram(1))).toThrow(/cumulative/);
    expect(() => parsePrometheusText(histogram(2))).toThrow(/Inf/);
    expect(valueOf(parsePrometheusText(histogram(3)), 'h_count')).toBe(3);
  });

  it('reads NaN in any case, as Prometheus does (prom-client writes Nan before a first sample)', () => {
    expect(valueOf(parsePrometheusText('# TYPE g gauge\ng Nan\n'), 'g')).toBeNaN();
  });
});
