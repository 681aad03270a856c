import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import express from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';

export interface McpPeer {
  /** The gateway URL to configure: servers are at `${url}/mcp/{namespace}/{server}` (the default MCP_URL_TEMPLATE). */
  url: string;
  /** Auth seen per request: the verified claims, or why verification failed. */
  requests: Array<{ server: string; claims?: JWTPayload; jwtError?: string }>;
  verifyJwtWith(jwksUrl: string, issuer: string): void;
  close(): Promise<void>;
}

/** The tools every test MCP server offers. */
function buildServer(name: string): McpServer {
  const server = new McpServer({ name, version: '1.0.0' });
  server.registerTool(
    'search',
    { title: 'Search', description: 'Searches the test index', inputSchema: { query: z.string() } },
    async ({ query }) => ({ content: [{ type: 'text', text: `${name} results for "${query}"` }] }),
  );
  server.registerTool(
    'add',
    {
      description: 'Adds two numbers',
      inputSchema: { a: z.number(), b: z.number() },
      outputSchema: { sum: z.number() },
    },
    async ({ a, b }) => ({
      content: [{ type: 'text', text: String(a + b) }],
      structuredContent: { sum: a + b },
    }),
  );
  server.registerTool('explode', { description: 'Always reports a tool error' }, async () => ({
    content: [{ type: 'text', text: 'the tool failed on purpose' }],
    isError: true,
  }));
  return server;
}

/** An independent MCP server (the MCP SDK's McpServer over stateless Streamable HTTP) for e2e tests. */
export async function startMcpPeer(): Promise<McpPeer> {
  const app = express();
  let jwks: { keys: ReturnType<typeof createRemoteJWKSet>; issuer: string } | undefined;
  const peer: McpPeer = {
    url: '',
    requests: [],
    verifyJwtWith(jwksUrl, issuer) {
      jwks = { keys: createRemoteJWKSet(new URL(jwksUrl)), issuer };
    },
    close: () =>
      new Promise<void>((resolve) => {
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };

  app.post('/mcp/:namespace/:server', express.json(), async (req, res) => {
    const name = String(req.params.server);
    const seen: McpPeer['requests'][number] = { server: name };
    peer.requests.push(seen);
    if (jwks) {
      const auth = req.header('authorization') ?? '';
      try {
        seen.claims = (
          await jwtVerify(auth.replace(/^Bearer /, ''), jwks.keys, {
            issuer: jwks.issuer,
            audience: name,
          })
        ).payload;
      } catch (err) {
        seen.jwtError = (err as Error).message;
        res.status(401).json({ error: 'unauthorized' });
        return;
      }
    }
    // Stateless: one server and transport per request, as the SDK documents for horizontal scaling.
    const server = buildServer(name);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(req, res, req.body);
  });
  app.all('/mcp/:namespace/:server', (_req, res) => {
    res.status(405).set('allow', 'POST').send('stateless server: POST only');
  });

  const http = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => http.once('listening', () => resolve()));
  peer.url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return peer;
}
