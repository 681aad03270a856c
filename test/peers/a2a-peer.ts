import { A2A_VERSION_HEADER, type AgentCard } from '@a2a-js/sdk';
import { legacyAgentCardRouter } from '@a2a-js/sdk/compat/v0_3/server/express';
import { DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server';
import { agentCardHandler, jsonRpcHandler, UserBuilder } from '@a2a-js/sdk/server/express';
import express, { type NextFunction, type Request, type Response } from 'express';
import { createRemoteJWKSet, jwtVerify, type JWTPayload } from 'jose';
import type { AddressInfo } from 'node:net';
import { PeerExecutor, type PeerBehaviour, type PeerUsageStyle } from './peer-executor';

/** One JSON-RPC call the peer received, with what it made of the caller's JWT. */
export interface PeerCall {
  agent: string;
  namespace: string;
  method?: string;
  a2aVersion?: string;
  claims?: JWTPayload;
  jwtError?: string;
  traceparent?: string;
  body?: Record<string, unknown>;
}

export interface A2aPeer {
  /** The gateway URL to configure: agents are served at `${url}/api/a2a/{namespace}/{agent}/` (kagent's path). */
  url: string;
  agentUrl(namespace: string, agent: string): string;
  calls: PeerCall[];
  cardRequests: number;
  behaviour: PeerBehaviour;
  /** Verify callers' JWTs against the platform's JWKS (401 when invalid). */
  verifyJwtWith(jwksUrl: string, issuer: string): void;
  /** Answer the next `count` requests (cards included) with this HTTP status, like a gateway whose agent is down. */
  failNext(count: number, status: number): void;
  close(): Promise<void>;
}

export interface PeerOptions {
  /** '1.0': a native v1.0 agent (blocking message/send, usage in metadata.usage); '0.3': a kagent-like v0.3 agent (streaming, ADK usage). */
  protocol: '1.0' | '0.3';
  name: string;
}

/**
 * An independent A2A agent server for e2e tests, built with the SDK's express pieces: any
 * `{namespace}/{agent}` under /api/a2a/ is an agent (created on first use). The v0.3 peer serves
 * a v0.3 card and speaks only v0.3 JSON-RPC through the SDK's compat layer, as kagent does.
 */
export async function startA2aPeer(opts: PeerOptions): Promise<A2aPeer> {
  const app = express();
  const agents = new Map<string, express.Router>();
  const executors: PeerExecutor[] = [];
  const store = new InMemoryTaskStore();
  const behaviour: PeerBehaviour = { routeAnswer: undefined };
  const usageStyle: PeerUsageStyle = opts.protocol === '1.0' ? 'metadata.usage' : 'kagent';
  let jwks: { keys: ReturnType<typeof createRemoteJWKSet>; issuer: string } | undefined;
  let failures = { count: 0, status: 503 };
  let base = '';

  const peer: A2aPeer = {
    url: '',
    agentUrl: (namespace, agent) => `${base}/api/a2a/${namespace}/${agent}/`,
    calls: [],
    cardRequests: 0,
    behaviour,
    verifyJwtWith(jwksUrl, issuer) {
      jwks = { keys: createRemoteJWKSet(new URL(jwksUrl)), issuer };
    },
    failNext(count, status) {
      failures = { count, status };
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const executor of executors) executor.abortAll();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  function agentRouter(namespace: string, agent: string): express.Router {
    const key = `${namespace}/${agent}`;
    const existing = agents.get(key);
    if (existing) return existing;
    const card = peerCard(opts, peer.agentUrl(namespace, agent), agent);
    const executor = new PeerExecutor(agent, opts.protocol, usageStyle, behaviour);
    executors.push(executor);
    const handler = new DefaultRequestHandler(card, store, executor);
    const router = express.Router();
    if (opts.protocol === '0.3') {
      // A v0.3-only agent ignores A2A-Version and always serves its v0.3 card.
      router.use('/.well-known', (req, _res, next) => {
        req.headers[A2A_VERSION_HEADER.toLowerCase()] = '0.3';
        next();
      });
      router.use(
        '/.well-known/agent-card.json',
        legacyAgentCardRouter({ agentCardProvider: handler }),
      );
    } else {
      router.use('/.well-known/agent-card.json', agentCardHandler({ agentCardProvider: handler }));
    }
    router.use(
      '/',
      jsonRpcHandler({
        requestHandler: handler,
        userBuilder: UserBuilder.noAuthentication,
        legacyCompat: { enabled: opts.protocol === '0.3' },
      }),
    );
    agents.set(key, router);
    return router;
  }

  app.use(
    '/api/a2a/:namespace/:agent',
    express.json(),
    async (req: Request, res: Response, next: NextFunction) => {
      const namespace = String(req.params.namespace);
      const agent = String(req.params.agent);
      if (failures.count > 0) {
        failures.count -= 1;
        res.status(failures.status).send('agent unavailable');
        return;
      }
      if (req.method === 'GET') peer.cardRequests += 1;
      if (req.method === 'POST') {
        const call = await inspectCall(req, namespace, agent, jwks);
        peer.calls.push(call);
        if (jwks && !call.claims) {
          res.status(401).json({
            jsonrpc: '2.0',
            id: call.body?.id ?? null,
            error: { code: -32600, message: `unauthorized: ${call.jwtError}` },
          });
          return;
        }
        if (JSON.stringify(call.body ?? {}).includes('[malformed]')) {
          res
            .status(200)
            .type('text/html')
            .send('<html><body>Gateway maintenance page</body></html>');
          return;
        }
      }
      agentRouter(namespace, agent)(req, res, next);
    },
  );

  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.url = base;
  return peer;
}

async function inspectCall(
  req: Request,
  namespace: string,
  agent: string,
  jwks: { keys: ReturnType<typeof createRemoteJWKSet>; issuer: string } | undefined,
): Promise<PeerCall> {
  const body = req.body as Record<string, unknown> | undefined;
  const call: PeerCall = {
    agent,
    namespace,
    method: typeof body?.method === 'string' ? body.method : undefined,
    a2aVersion: req.header(A2A_VERSION_HEADER),
    traceparent: req.header('traceparent'),
    body,
  };
  if (!jwks) return call;
  const auth = req.header('authorization') ?? '';
  try {
    if (!auth.startsWith('Bearer ')) throw new Error('no bearer token');
    call.claims = (
      await jwtVerify(auth.slice(7), jwks.keys, {
        issuer: jwks.issuer,
        audience: agent,
        algorithms: ['ES256'],
      })
    ).payload;
  } catch (err) {
    call.jwtError = (err as Error).message;
  }
  return call;
}

function peerCard(opts: PeerOptions, url: string, agent: string): AgentCard {
  return {
    name: agent,
    description: `${opts.name}: an A2A ${opts.protocol} test peer`,
    supportedInterfaces: [
      { url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: opts.protocol },
    ],
    provider: { organization: 've-platform tests', url: 'https://example.com' },
    version: '1.0.0',
    // kagent agents stream; the v1.0 peer does not, so both the streaming and the blocking paths are exercised.
    capabilities: {
      streaming: opts.protocol === '0.3',
      pushNotifications: false,
      extensions: [],
      extendedAgentCard: false,
    },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text'],
    defaultOutputModes: ['text'],
    skills: [
      {
        id: 'work',
        name: 'Work',
        description: 'Does test work',
        tags: ['test'],
        examples: [],
        inputModes: ['text'],
        outputModes: ['text'],
        securityRequirements: [],
      },
    ],
    signatures: [],
  };
}
