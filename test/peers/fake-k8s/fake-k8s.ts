import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Json } from './field-paths';
import { ObjectStore } from './object-store';
import { ApiRouter } from './router';
import { findByKind, ResourceType } from './resources';
import { ApiError, errors } from './status';

export interface FakeKubernetesOptions {
  /** When set, every call but /version needs `Authorization: Bearer <token>` (else 401). */
  token?: string;
  /** How long a deleted namespace stays Terminating before it and its objects are gone. */
  namespaceTerminationMs?: number;
  /** Serve HTTPS with this key pair (the client refuses plain HTTP unless TLS checks are skipped). */
  tls?: { key: string; cert: string };
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  status: number;
}

/**
 * A local Kubernetes API server, faithful where the platform depends on it: discovery, /version,
 * Status bodies with 404/409/403/422 semantics, server-side apply (content type, field manager,
 * conflicts and force, managedFields, generation, resourceVersion), namespaces terminating,
 * kagent custom resources with a status the test sets. It can go away and come back.
 */
export class FakeKubernetes {
  readonly store: ObjectStore;
  readonly requests: RecordedRequest[] = [];
  private readonly router: ApiRouter;
  private server: Server | null = null;
  private port = 0;

  constructor(private readonly opts: FakeKubernetesOptions = {}) {
    this.store = new ObjectStore({ namespaceTerminationMs: opts.namespaceTerminationMs ?? 300 });
    this.router = new ApiRouter(this.store);
  }

  get url(): string {
    return `${this.opts.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  /** Starts listening; after stop(), on the same port again (the API server came back). */
  async start(): Promise<this> {
    const handler = (req: IncomingMessage, res: ServerResponse) => void this.handle(req, res);
    const server: Server = this.opts.tls
      ? createTlsServer(this.opts.tls, handler)
      : createServer(handler);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** The API server goes away: the port refuses connections, open ones are cut. State is kept. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    await this.stop();
    this.store.close();
  }

  object(
    apiVersion: string,
    kind: string,
    namespace: string | undefined,
    name: string,
  ): Json | undefined {
    return this.store.find(this.type(apiVersion, kind), namespace, name);
  }

  list(apiVersion: string, kind: string, namespace?: string): Json[] {
    return this.store.list(this.type(apiVersion, kind), namespace);
  }

  /** Plays kagent's controller: writes the Agent's status (observedGeneration defaults to its generation). */
  setAgentStatus(
    namespace: string,
    name: string,
    status: { conditions: Json[]; observedGeneration?: number },
  ): void {
    const type = this.type('kagent.dev/v1alpha2', 'Agent');
    const agent = this.store.get(type, namespace, name);
    const generation = Number((agent.metadata as Json).generation);
    this.store.setStatus(type, namespace, name, { observedGeneration: generation, ...status });
  }

  /** Plays kagent's controller: the agent's Deployment with the given replica counts. */
  setDeployment(
    namespace: string,
    name: string,
    s: { replicas: number; availableReplicas: number; conditions?: Json[] },
  ): void {
    const type = this.type('apps/v1', 'Deployment');
    const labels = { app: name };
    const spec = {
      replicas: s.replicas,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'agent', image: 'kagent/app' }] },
      },
    };
    this.store.apply(
      type,
      namespace,
      name,
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace }, spec },
      'kagent-controller',
      true,
    );
    this.store.setStatus(type, namespace, name, {
      replicas: s.replicas,
      readyReplicas: s.availableReplicas,
      availableReplicas: s.availableReplicas,
      conditions: s.conditions ?? [],
    });
  }

  private type(apiVersion: string, kind: string): ResourceType {
    const t = findByKind(apiVersion, kind);
    if (!t) throw new Error(`the fake does not serve ${apiVersion} ${kind}`);
    return t;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const query = Object.fromEntries(url.searchParams);
    const contentType = req.headers['content-type']?.split(';')[0].trim();
    const send = (status: number, body: unknown) => {
      this.requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        query,
        contentType,
        status,
      });
      if (typeof body === 'string')
        res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(body);
      else res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    try {
      const raw = await readBody(req);
      if (
        url.pathname !== '/version' &&
        this.opts.token &&
        req.headers.authorization !== `Bearer ${this.opts.token}`
      ) {
        throw errors.unauthorized();
      }
      const [status, body] = this.router.route(
        req.method ?? 'GET',
        url.pathname,
        query,
        contentType,
        raw,
      );
      send(status, body);
    } catch (err) {
      if (err instanceof ApiError) send(err.body.code, err.body);
      else
        send(500, {
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: String(err),
          reason: 'InternalError',
          code: 500,
        });
    }
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
