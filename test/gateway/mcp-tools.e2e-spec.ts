import type { Ve } from '../../src/ves/ves.types';
import { freePort } from '../helpers/resources';
import { createTestApp, type TestApp } from '../helpers/test-app';
import { startMcpPeer, type McpPeer } from '../peers/mcp-peer';
import { seedCustomer, seedVe, type Customer } from './gateway-fixtures';

jest.setTimeout(60_000);

describe("A VE's MCP tools through the gateway", () => {
  let t: TestApp;
  let mcp: McpPeer;
  let acme: Customer;
  let researcher: Ve;
  let deadUrl: string;

  beforeAll(async () => {
    mcp = await startMcpPeer();
    t = await createTestApp({ env: { AGENT_GATEWAY_URL: mcp.url, MCP_CALL_TIMEOUT_MS: '5000' } });
    mcp.verifyJwtWith(`${t.url}/.well-known/jwks.json`, t.url);
    acme = await seedCustomer(t);
    deadUrl = `http://127.0.0.1:${await freePort()}/mcp`;
    researcher = await seedVe(t, acme, {
      agentName: 'researcher',
      tools: [
        'web-search/search',
        'web-search/add',
        'web-search/translate',
        'calc/*',
        `${deadUrl}#lookup`,
      ],
    });
  });

  afterAll(async () => {
    await t?.close();
    await mcp?.close();
  });

  it('lists each server with the tools the VE may use; an unreachable server is reported, not an error', async () => {
    const res = await t.api('GET', `/api/ves/${researcher.id}/tools`, { customerId: acme.id });
    expect(res.status).toBe(200);
    expect(res.body.veId).toBe(researcher.id);
    const [search, calc, dead] = res.body.servers;
    expect(search).toMatchObject({
      server: 'web-search',
      url: `${mcp.url}/mcp/${acme.namespace}/web-search`,
      reachable: true,
      allowed: ['search', 'add', 'translate'],
      missing: ['translate'],
    });
    expect(search.tools.map((tool: { name: string }) => tool.name)).toEqual(['search', 'add']);
    expect(search.tools[0]).toMatchObject({
      title: 'Search',
      description: 'Searches the test index',
      inputSchema: expect.objectContaining({ type: 'object' }),
    });
    expect(calc).toMatchObject({ server: 'calc', allowed: '*', reachable: true });
    expect(calc.tools.map((tool: { name: string }) => tool.name).sort()).toEqual([
      'add',
      'explode',
      'search',
    ]);
    expect(dead).toMatchObject({
      server: deadUrl,
      url: deadUrl,
      reachable: false,
      tools: [],
      error: expect.any(String),
    });
  });

  it('signs each MCP request with the platform JWT for that server', async () => {
    const seen = mcp.requests.filter((r) => r.server === 'web-search');
    expect(seen.length).toBeGreaterThan(0);
    expect(
      seen.every(
        (r) =>
          r.claims?.aud === 'web-search' &&
          r.claims.customer_id === acme.id &&
          r.claims.ve_id === researcher.id,
      ),
    ).toBe(true);
  });

  it('calls a tool the VE has', async () => {
    const res = await t.api('POST', `/api/ves/${researcher.id}/tools/call`, {
      customerId: acme.id,
      body: { tool: 'web-search/add', arguments: { a: 2, b: 3 } },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      tool: 'web-search/add',
      isError: false,
      content: [{ type: 'text', text: '5' }],
      structuredContent: { sum: 5 },
    });
    const failing = await t.api('POST', `/api/ves/${researcher.id}/tools/call`, {
      customerId: acme.id,
      body: { tool: 'calc/explode' },
    });
    expect(failing.body).toMatchObject({
      isError: true,
      content: [{ type: 'text', text: 'the tool failed on purpose' }],
    });
  });

  it('refuses a tool the VE lacks (422) and a down server (503); bad arguments are the tool error', async () => {
    const call = (tool: string, args?: unknown) =>
      t.api('POST', `/api/ves/${researcher.id}/tools/call`, {
        customerId: acme.id,
        body: { tool, ...(args ? { arguments: args } : {}) },
      });
    expect((await call('web-search/explode')).status).toBe(422);
    expect((await call('other/search')).status).toBe(422);
    // Invalid arguments are the tool's own error (MCP: the model may correct itself), not the request's.
    const badArgs = await call('web-search/add', { a: 'two' });
    expect(badArgs.status).toBe(200);
    expect(badArgs.body.isError).toBe(true);
    const unknown = await call('calc/no-such-tool');
    expect(unknown.body).toMatchObject({
      isError: true,
      content: [{ text: expect.stringContaining('not found') }],
    });
    expect((await call(`${deadUrl}#lookup`)).status).toBe(503);
    expect((await call('web-search')).status).toBe(400);
  });

  it('documents the routes in the OpenAPI document', async () => {
    const doc = await t.api('GET', '/docs-json', { token: null });
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        '/api/ves/{id}/tools',
        '/api/ves/{id}/tools/call',
        '/api/orchestrator/route',
        '/api/orchestrator/status',
        '/.well-known/jwks.json',
      ]),
    );
    expect(Object.keys(doc.body.paths).some((path) => path.startsWith('/sandbox'))).toBe(false);
  });

  it("is tenant-scoped: another customer's VE is 404", async () => {
    const other = await seedCustomer(t);
    expect(
      (await t.api('GET', `/api/ves/${researcher.id}/tools`, { customerId: other.id })).status,
    ).toBe(404);
    expect((await t.api('GET', '/api/ves/not-a-uuid/tools', { customerId: acme.id })).status).toBe(
      400,
    );
  });
});
