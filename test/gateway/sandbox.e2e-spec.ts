import { randomUUID } from 'node:crypto';
import { AgentJwtService } from '../../src/gateway/agent-jwt.service';
import { GatewayService } from '../../src/gateway/gateway.service';
import type { Ve } from '../../src/ves/ves.types';
import { createTestApp, WEBHOOK_SECRET, type TestApp } from '../helpers/test-app';
import { startCallbackReceiver, type CallbackReceiver } from '../peers/callback-receiver';
import { dbOf, eventually, seedCustomer, seedVe, type Customer } from './gateway-fixtures';

jest.setTimeout(60_000);

describe('The built-in sandbox agent (no AGENT_GATEWAY_URL)', () => {
  let t: TestApp;
  let receiver: CallbackReceiver;
  let gateway: GatewayService;
  let customer: Customer;
  let writer: Ve;
  let rpcUrl: string;

  beforeAll(async () => {
    receiver = await startCallbackReceiver(WEBHOOK_SECRET);
    t = await createTestApp();
    gateway = t.get(GatewayService);
    customer = await seedCustomer(t);
    writer = await seedVe(t, customer, { agentName: 'writer', model: 'claude-3-5-haiku' });
    rpcUrl = `${t.url}/sandbox/a2a/${customer.namespace}/writer`;
  });

  afterAll(async () => {
    await t?.close();
    await receiver?.close();
  });

  /** A raw JSON-RPC call, as any A2A client would make it, with the platform's JWT for `writer`. */
  async function rpc(
    method: string,
    params: unknown,
    opts: { version?: string; token?: string | null } = {},
  ) {
    const token =
      opts.token === undefined
        ? await t.get(AgentJwtService).sign({ audience: 'writer', customerId: customer.id })
        : opts.token;
    const res = await fetch(rpcUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
        ...(opts.version ? { 'A2A-Version': opts.version } : {}),
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
    });
    return { status: res.status, body: (await res.json()) as { result?: any; error?: any } }; // eslint-disable-line @typescript-eslint/no-explicit-any
  }

  const legacyMessage = (text: string, metadata: Record<string, unknown> = {}) => ({
    kind: 'message',
    messageId: randomUUID(),
    role: 'user',
    parts: [{ kind: 'text', text }],
    metadata: {
      taskId: randomUUID(),
      customerId: customer.id,
      veId: writer.id,
      callbackUrl: receiver.url,
      ...metadata,
    },
  });

  it('reports itself in /health/ready as the sandbox', async () => {
    const res = await t.api('GET', '/health/ready', { token: null });
    const gatewayCheck = res.body.details?.gateway ?? res.body.info?.gateway;
    expect(gatewayCheck).toMatchObject({
      status: 'up',
      mode: 'sandbox',
      note: expect.stringContaining('SANDBOX'),
    });
  });

  it('serves an agent card labelled as the sandbox, for A2A 1.0 and 0.3', async () => {
    const res = await t.api(
      'GET',
      `/sandbox/a2a/${customer.namespace}/writer/.well-known/agent-card.json`,
      { token: null },
    );
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      name: 'writer',
      description: expect.stringContaining('SANDBOX'),
      provider: { organization: 'VE Platform sandbox' },
    });
    expect(
      res.body.supportedInterfaces
        .map((i: { protocolVersion: string }) => i.protocolVersion)
        .sort(),
    ).toEqual(['0.3', '1.0']);
  });

  it('completes a task deterministically, with usage in the VE model billed', async () => {
    const taskId = randomUUID();
    const out = await gateway.invokeAgent(customer.id, writer, {
      taskId,
      text: 'Write the launch post',
    });
    expect(out).toMatchObject({
      kind: 'completed',
      text: '[sandbox] writer completed: Write the launch post (4 words of input)',
    });
    // ~4 characters a token: 40 + ceil(21 / 4) in, 5 + ceil(result length / 4) out.
    const outputTokens = 5 + Math.ceil((out.kind === 'completed' ? out.text.length : 0) / 4);
    expect(out.usage).toEqual([
      expect.objectContaining({ model: 'claude-3-5-haiku', inputTokens: 46, outputTokens, taskId }),
    ]);
    const rows = await dbOf(t)
      .selectFrom('token_usage')
      .select(['model', 'input_tokens'])
      .where('task_id', '=', taskId)
      .execute();
    expect(rows).toEqual([{ model: 'claude-3-5-haiku', input_tokens: 46 }]);
  });

  it('obeys [fail], [input] and [slow]', async () => {
    const invoke = (text: string) =>
      gateway.invokeAgent(customer.id, writer, { taskId: randomUUID(), text });
    expect(await invoke('Book it [fail]')).toMatchObject({
      kind: 'failed',
      a2aState: 'failed',
      reason: expect.stringContaining('[fail] directive'),
    });
    expect(await invoke('Write the report [input]')).toMatchObject({
      kind: 'input-required',
      message: expect.stringContaining('needs more input'),
    });
    const started = Date.now();
    expect(await invoke('Take a moment [slow:300]')).toMatchObject({
      kind: 'completed',
      text: expect.stringContaining('Take a moment'),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(300);
  });

  it('refuses calls without a platform JWT for this agent', async () => {
    expect(
      (await rpc('message/send', { message: legacyMessage('hi') }, { token: null })).status,
    ).toBe(401);
    const forOther = await t
      .get(AgentJwtService)
      .sign({ audience: 'someone-else', customerId: customer.id });
    expect(
      (await rpc('message/send', { message: legacyMessage('hi') }, { token: forOther })).status,
    ).toBe(401);
  });

  it('speaks A2A 0.3 (message/send, tasks/get) and 1.0 (SendMessage, GetTask)', async () => {
    const legacy = await rpc('message/send', { message: legacyMessage('Draft the memo') });
    expect(legacy.body.result).toMatchObject({ kind: 'task', status: { state: 'completed' } });
    const fetched = await rpc('tasks/get', { id: legacy.body.result.id });
    expect(fetched.body.result).toMatchObject({
      id: legacy.body.result.id,
      status: { state: 'completed' },
    });

    const v1 = await rpc(
      'SendMessage',
      {
        message: {
          messageId: randomUUID(),
          role: 'ROLE_USER',
          parts: [{ text: 'Draft the memo' }],
        },
      },
      { version: '1.0' },
    );
    expect(v1.body.result.task).toMatchObject({ status: { state: 'TASK_STATE_COMPLETED' } });
    const got = await rpc('GetTask', { id: v1.body.result.task.id }, { version: '1.0' });
    expect(got.body.result).toMatchObject({
      id: v1.body.result.task.id,
      status: { state: 'TASK_STATE_COMPLETED' },
    });
  });

  it('cancels a slow task on tasks/cancel', async () => {
    const sent = await rpc('message/send', {
      message: legacyMessage('Long report [slow:30000]'),
      configuration: { blocking: false },
    });
    const id = sent.body.result.id as string;
    const cancelled = await rpc('tasks/cancel', { id });
    expect(cancelled.body.result).toMatchObject({ id, status: { state: 'canceled' } });
    expect((await rpc('tasks/get', { id })).body.result.status.state).toBe('canceled');
  });

  it('delegates by a signed delegation callback and stays working', async () => {
    const message = legacyMessage('Write the tagline [delegate:copywriter]');
    const res = await rpc('message/send', { message });
    expect(res.body.result).toMatchObject({ kind: 'task', status: { state: 'working' } });
    const delivered = receiver.received.find(
      (r) => r.payload?.eventType === 'delegation' && r.payload.taskId === message.metadata.taskId,
    );
    expect(delivered?.payload).toMatchObject({
      customerId: customer.id,
      veId: writer.id,
      agentName: 'writer',
      delegation: {
        toAgent: 'copywriter',
        title: 'Write the tagline',
        description: 'Write the tagline',
      },
    });
  });

  it('completes by a signed task_update callback when told [callback]', async () => {
    const message = legacyMessage('Compile the digest [callback:50]');
    const res = await rpc('message/send', { message });
    expect(res.body.result.status.state).toBe('working');
    const delivered = await eventually(() =>
      receiver.received.find(
        (r) =>
          r.payload?.taskId === message.metadata.taskId && r.payload.eventType === 'task_update',
      ),
    );
    expect(delivered.error).toBeUndefined();
    expect(delivered.payload).toMatchObject({
      status: 'completed',
      result: '[sandbox] writer completed: Compile the digest (3 words of input)',
      usage: {
        model: 'gpt-4o-mini',
        inputTokens: expect.any(Number),
        outputTokens: expect.any(Number),
      },
    });
  });
});
