import { randomUUID } from 'node:crypto';
import { GatewayService } from '../../src/gateway/gateway.service';
import type { Ve } from '../../src/ves/ves.types';
import { freePort } from '../helpers/resources';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { startA2aPeer, type A2aPeer } from '../peers/a2a-peer';
import { PEER_USAGE } from '../peers/peer-executor';
import { dbOf, seedCustomer, seedVe, type Customer } from './gateway-fixtures';

jest.setTimeout(60_000);

describe('GatewayService.invokeAgent against independent A2A agents (v1.0 and v0.3)', () => {
  let t: TestApp;
  let v1: A2aPeer;
  let v03: A2aPeer;
  let gateway: GatewayService;
  let customer: Customer;
  let writer: Ve;
  let analyst: Ve;

  beforeAll(async () => {
    v1 = await startA2aPeer({ protocol: '1.0', name: 'v1 peer' });
    v03 = await startA2aPeer({ protocol: '0.3', name: 'kagent-like peer' });
    t = await createTestApp({
      env: { AGENT_GATEWAY_URL: v1.url, AGENT_CALL_RETRIES: '2', AGENT_CALL_TIMEOUT_MS: '15000' },
    });
    for (const peer of [v1, v03]) peer.verifyJwtWith(`${t.url}/.well-known/jwks.json`, t.url);
    gateway = t.get(GatewayService);
    customer = await seedCustomer(t);
    writer = await seedVe(t, customer, { agentName: 'writer', model: 'gpt-4o' });
    // A customer's own agent URL (a kagent agent speaking A2A 0.3) instead of the gateway template.
    analyst = await seedVe(t, customer, {
      agentName: 'analyst',
      model: 'gemini-2.0-flash',
      agentUrl: v03.agentUrl(customer.namespace, 'analyst'),
    });
  });

  afterAll(async () => {
    await t?.close();
    await v1?.close();
    await v03?.close();
  });

  const invoke = (ve: Ve, text: string, extra: Record<string, unknown> = {}) =>
    gateway.invokeAgent(customer.id, ve, { taskId: randomUUID(), text, ...extra });

  it('completes on a v1.0 agent, honouring the agent contract (context, metadata, parts, signed JWT)', async () => {
    const taskId = randomUUID();
    const out = await gateway.invokeAgent(customer.id, writer, {
      taskId,
      text: 'Write the launch post',
      input: { tone: 'warm' },
    });
    expect(out).toMatchObject({
      kind: 'completed',
      text: 'writer (A2A 1.0 peer) did: Write the launch post',
    });
    expect(out.kind === 'completed' && out.artifacts).toEqual([
      expect.objectContaining({
        name: 'result',
        parts: [{ kind: 'text', text: out.kind === 'completed' ? out.text : '' }],
      }),
    ]);

    const call = v1.calls.at(-1)!;
    expect(call).toMatchObject({
      agent: 'writer',
      namespace: customer.namespace,
      method: 'SendMessage',
      a2aVersion: '1.0',
    });
    const params = call.body!.params as {
      message: { contextId: string; metadata: Record<string, unknown>; parts: unknown[] };
    };
    expect(params.message.contextId).toBe(taskId);
    expect(params.message.metadata).toMatchObject({
      taskId,
      customerId: customer.id,
      veId: writer.id,
      callbackUrl: `${t.url}/api/webhooks/agent-callback`,
    });
    expect(JSON.stringify(params.message.parts)).toContain('Write the launch post');
    expect(JSON.stringify(params.message.parts)).toContain('"tone":"warm"');
    expect(call.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    // The peer verified the JWT against /.well-known/jwks.json (it answers 401 otherwise).
    expect(call.claims).toMatchObject({
      iss: t.url,
      aud: 'writer',
      sub: customer.id,
      customer_id: customer.id,
      ve_id: writer.id,
      task_id: taskId,
    });
    expect(call.claims!.exp! - call.claims!.iat!).toBeLessThanOrEqual(300);
  });

  it("extracts the agent's metadata.usage and records it with billing, once", async () => {
    const taskId = randomUUID();
    const out = await gateway.invokeAgent(customer.id, writer, {
      taskId,
      text: 'Summarise the quarter',
    });
    expect(out.usage).toEqual([
      expect.objectContaining({
        customerId: customer.id,
        veId: writer.id,
        taskId,
        source: 'a2a',
        ...PEER_USAGE.v1,
        sourceEventId: expect.stringMatching(/^a2a:/),
      }),
    ]);
    const rows = await dbOf(t)
      .selectFrom('token_usage')
      .selectAll()
      .where('task_id', '=', taskId)
      .execute();
    expect(rows).toEqual([
      expect.objectContaining({
        source_event_id: out.usage[0]!.sourceEventId,
        input_tokens: 11,
        output_tokens: 7,
        model: 'peer-model-1',
      }),
    ]);
  });

  it('streams a kagent-style v0.3 agent and bills the sum of its per-event ADK usage, not the repeat on the task', async () => {
    const out = await invoke(analyst, 'Analyse the churn');
    expect(out).toMatchObject({
      kind: 'completed',
      text: 'analyst (A2A 0.3 peer) did: Analyse the churn',
    });
    const call = v03.calls.at(-1)!;
    expect(call).toMatchObject({ method: 'message/stream', a2aVersion: '0.3' });
    expect(call.claims).toMatchObject({ aud: 'analyst', customer_id: customer.id });
    const sum = (key: 'inputTokens' | 'outputTokens') => out.usage.reduce((n, u) => n + u[key], 0);
    expect(out.usage).toHaveLength(3);
    expect(sum('inputTokens')).toBe(620);
    expect(sum('outputTokens')).toBe(130);
    // ADK usage names no model: the VE's model is billed.
    expect(new Set(out.usage.map((u) => u.model))).toEqual(new Set(['gemini-2.0-flash']));
    expect(new Set(out.usage.map((u) => u.sourceEventId)).size).toBe(3);
  });

  it("maps the agent's failure to a failed outcome with its reason, without retrying", async () => {
    const before = v1.calls.length;
    const out = await invoke(writer, 'Book the venue [fail]');
    expect(out).toMatchObject({
      kind: 'failed',
      reason: 'peer failure: quota exceeded',
      a2aState: 'failed',
    });
    expect(v1.calls.length - before).toBe(1);
    const fromV03 = await invoke(analyst, 'Book the venue [fail]');
    expect(fromV03).toMatchObject({ kind: 'failed', reason: 'peer failure: quota exceeded' });
  });

  it('maps input-required to a question for the customer', async () => {
    expect(await invoke(writer, 'Write the report [input]')).toMatchObject({
      kind: 'input-required',
      message: 'Which region should the report cover?',
    });
  });

  it('times out each attempt, retries, then fails clearly', async () => {
    const before = v1.calls.length;
    const started = Date.now();
    await expect(
      invoke(writer, 'Take your time [slow:20000]', { timeoutMs: 400 }),
    ).rejects.toMatchObject({
      name: 'AgentUnavailableError',
      transient: true,
      message: expect.stringMatching(/writer .* could not be reached: no answer within 400 ms/),
    });
    expect(v1.calls.length - before).toBe(3);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('retries while the gateway answers 503, then succeeds', async () => {
    v1.failNext(2, 503);
    const out = await invoke(writer, 'Retry me');
    expect(out).toMatchObject({ kind: 'completed', text: 'writer (A2A 1.0 peer) did: Retry me' });
  });

  it('gives up on an agent that stays down, naming the failure', async () => {
    v1.failNext(50, 503);
    await expect(invoke(writer, 'Anyone there?')).rejects.toMatchObject({
      name: 'AgentUnavailableError',
      message: expect.stringContaining('HTTP 503'),
    });
    v1.failNext(0, 503);
    const port = await freePort();
    const nobody = await seedVe(t, customer, {
      agentName: 'nobody',
      agentUrl: `http://127.0.0.1:${port}/api/a2a/x/nobody/`,
    });
    await expect(invoke(nobody, 'Hello?')).rejects.toMatchObject({
      name: 'AgentUnavailableError',
      message: expect.stringMatching(/nobody .* could not be reached: .*ECONNREFUSED/),
    });
  });

  it('reports a malformed reply as unavailable, without re-sending the message', async () => {
    const before = v1.calls.length;
    await expect(invoke(writer, 'Break [malformed]')).rejects.toMatchObject({
      name: 'AgentUnavailableError',
      message: expect.stringContaining('gave no usable reply'),
    });
    expect(v1.calls.length - before).toBe(1);
  });

  it('stops at once when the caller aborts', async () => {
    const abort = new AbortController();
    const started = Date.now();
    const call = invoke(writer, 'Long job [slow:20000]', { signal: abort.signal });
    setTimeout(() => abort.abort(new Error('task cancelled')), 300);
    await expect(call).rejects.toThrow('task cancelled');
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('fetches the agent card once and reuses it', async () => {
    await invoke(writer, 'warm the cache');
    const cards = v1.cardRequests;
    await invoke(writer, 'one');
    await invoke(writer, 'two');
    expect(v1.cardRequests).toBe(cards);
  });

  it('asks the agent to cancel a task, best effort', async () => {
    await expect(
      gateway.cancelAgentTask(customer.id, writer, 'no-such-task'),
    ).resolves.toBeUndefined();
    expect(v1.calls.at(-1)).toMatchObject({
      method: 'CancelTask',
      claims: expect.objectContaining({ aud: 'writer' }),
    });
  });

  it('counts invocations by outcome in the metrics', async () => {
    const res = await t.api('GET', '/metrics', { token: null });
    for (const outcome of [
      'completed',
      'failed',
      'input-required',
      'unreachable',
      'malformed',
      'aborted',
    ]) {
      expect(res.text).toMatch(
        new RegExp(`ve_agent_invocations_total\\{outcome="${outcome}"\\} [1-9]`),
      );
    }
    expect(res.text).toContain('ve_agent_invocation_duration_seconds_bucket');
  });

  it('reports the gateway as reachable in /health/ready', async () => {
    const res = await t.api('GET', '/health/ready', { token: null });
    expect(res.body.details.gateway).toMatchObject({ status: 'up', mode: 'gateway', url: v1.url });
  });

  it('shares the development signing key between replicas (through Redis)', async () => {
    // Replicas behind one load balancer share PUBLIC_URL, the issuer.
    const replica = await createTestApp({
      replicaOf: t,
      env: { AGENT_GATEWAY_URL: v1.url, RUN_MODE: 'api', PUBLIC_URL: t.url },
    });
    try {
      const [mine, theirs] = await Promise.all(
        [t, replica].map((app) => app.api('GET', '/.well-known/jwks.json', { token: null })),
      );
      expect(theirs!.body).toEqual(mine!.body);
      // A token the replica signs verifies at the agent against this app's JWKS.
      const out = await replica
        .get(GatewayService)
        .invokeAgent(customer.id, writer, { taskId: randomUUID(), text: 'From the replica' });
      expect(out.kind).toBe('completed');
      expect(v1.calls.at(-1)!.claims).toMatchObject({ aud: 'writer' });
    } finally {
      await replica.close();
    }
  });

  it('publishes the public key: ES256, with a kid, nothing private', async () => {
    const res = await t.api('GET', '/.well-known/jwks.json', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.keys).toEqual([
      expect.objectContaining({
        kty: 'EC',
        crv: 'P-256',
        alg: 'ES256',
        use: 'sig',
        kid: expect.any(String),
      }),
    ]);
    expect(res.body.keys[0].d).toBeUndefined();
  });
});
