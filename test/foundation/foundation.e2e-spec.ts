import { createTestApp, TestApp } from '../helpers/test-app';

describe('Foundation (real Postgres, real Redis)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp();
  });
  afterAll(() => t.close());

  it('is ready with Postgres and Redis up', async () => {
    const res = await t.api('GET', '/health/ready', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.info).toMatchObject({ postgres: { status: 'up' }, redis: { status: 'up' } });
  });

  it('echoes x-request-id, or makes one', async () => {
    const given = await t.api('GET', '/health/live', {
      token: null,
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await t.api('GET', '/health/live', { token: null });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers errors in the API.md shape', async () => {
    const res = await t.api('GET', '/api/auth/me', { token: null });
    expect(res.status).toBe(401);
    expect(res.body).toEqual({
      statusCode: 401,
      error: 'Unauthorized',
      message: expect.any(String),
    });
    const notFound = await t.api('GET', '/api/nope');
    expect(notFound.status).toBe(404);
    expect(notFound.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
  });

  it('identifies the operator', async () => {
    const res = await t.api('GET', '/api/auth/me');
    expect(res.body).toMatchObject({ kind: 'operator', role: 'operator', customerId: null });
  });

  it('serves a valid OpenAPI 3 document', async () => {
    const res = await t.api('GET', '/docs-json', { token: null });
    expect(res.status).toBe(200);
    expect(res.body.openapi).toMatch(/^3\./);
    expect(res.body.paths['/health/ready']).toBeDefined();
  });

  it('guards Bull Board with basic auth and lists every queue', async () => {
    const anon = await t.api('GET', '/admin/queues/api/queues', { token: null });
    expect(anon.status).toBe(401);
    const auth = 'Basic ' + Buffer.from('ops:ops-password').toString('base64');
    const res = await t.api('GET', '/admin/queues/api/queues', {
      token: null,
      headers: { authorization: auth },
    });
    expect(res.status).toBe(200);
    const names = res.body.queues.map((q: { name: string }) => q.name).sort();
    expect(names).toEqual([
      'deployments',
      'messages',
      'monitoring',
      'outbound-webhooks',
      'tasks',
      'webhooks',
    ]);
  });

  it('exposes Prometheus metrics', async () => {
    const res = await t.api('GET', '/metrics', { token: null });
    expect(res.status).toBe(200);
    expect(res.text).toContain('ve_queue_jobs{queue="tasks",state="waiting"}');
  });
});
