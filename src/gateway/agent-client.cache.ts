import { A2A_PROTOCOL_VERSION, A2A_VERSION_HEADER, type AgentCard } from '@a2a-js/sdk';
import {
  type Client,
  ClientFactory,
  ClientFactoryOptions,
  DefaultAgentCardResolver,
  JsonRpcTransportFactory,
  RestTransportFactory,
} from '@a2a-js/sdk/client';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { AgentCardError, TRANSIENT_HTTP, TransientHttpError } from './a2a-errors';
import { cardBaseUrl, reachableEndpoint } from './agent-url';

/** kagent and A2A 0.3 use agent-card.json; older docs and agents still say agent.json. */
const CARD_PATHS = ['.well-known/agent-card.json', '.well-known/agent.json'];
const MAX_ENTRIES = 1_000;
// kagent agents speak A2A 0.3: the resolver reads their cards and the transports speak 0.3 to them.
const LEGACY = { enabled: true };

export interface ConnectedAgent {
  client: Client;
  card: AgentCard;
}

interface Entry extends ConnectedAgent {
  expiresAt: number;
}

/** fetch that turns 502/503/504 (the gateway saying "agent not there") into a retryable error. */
export const agentFetch: typeof fetch = async (input, init) => {
  const res = await fetch(input, init);
  if (TRANSIENT_HTTP.has(res.status)) {
    await res.body?.cancel().catch(() => undefined);
    throw new TransientHttpError(res.status, input instanceof Request ? input.url : String(input));
  }
  return res;
};

/**
 * A2A clients per agent URL, built from the agent card fetched once and reused for
 * AGENT_CARD_TTL_MS; the gateway drops an entry when a call through it fails, so a
 * redeployed agent is rediscovered. Concurrent first calls share one card fetch.
 */
@Injectable()
export class AgentClientCache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Entry>>();
  private readonly resolver = new DefaultAgentCardResolver({
    legacyCompat: LEGACY,
    fetchImpl: agentFetch,
  });
  private readonly factory = new ClientFactory(
    ClientFactoryOptions.createFrom(ClientFactoryOptions.default, {
      transports: [
        new JsonRpcTransportFactory({ legacyCompat: LEGACY, fetchImpl: agentFetch }),
        new RestTransportFactory({ legacyCompat: LEGACY, fetchImpl: agentFetch }),
      ],
      cardResolver: this.resolver,
    }),
  );

  constructor(private readonly config: AppConfig) {}

  /** The client for an agent URL; `headers` (JWT, traceparent) go with the card request when one is needed. */
  async get(
    agentUrl: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<ConnectedAgent> {
    const cached = this.entries.get(agentUrl);
    if (cached && cached.expiresAt > Date.now()) return cached;
    let pending = this.pending.get(agentUrl);
    if (!pending) {
      pending = this.connect(agentUrl, headers, signal).finally(() =>
        this.pending.delete(agentUrl),
      );
      this.pending.set(agentUrl, pending);
    }
    return pending;
  }

  invalidate(agentUrl: string): void {
    this.entries.delete(agentUrl);
  }

  /** Fetches the card afresh (no cache): used to report reachability. */
  async probe(
    agentUrl: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<AgentCard> {
    return this.fetchCard(agentUrl, headers, signal);
  }

  private async connect(
    agentUrl: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<Entry> {
    const card = await this.fetchCard(agentUrl, headers, signal);
    const client = await this.factory.createFromAgentCard(card).catch((err: unknown) => {
      throw new AgentCardError(
        `agent card at ${agentUrl} offers no transport this gateway speaks: ${(err as Error).message}`,
        undefined,
        { cause: err },
      );
    });
    const entry: Entry = {
      client,
      card,
      expiresAt: Date.now() + this.config.get('AGENT_CARD_TTL_MS'),
    };
    if (this.entries.size >= MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(agentUrl, entry);
    return entry;
  }

  private async fetchCard(
    agentUrl: string,
    headers: Record<string, string>,
    signal?: AbortSignal,
  ): Promise<AgentCard> {
    let lastStatus = 0;
    for (const path of CARD_PATHS) {
      const url = new URL(path, cardBaseUrl(agentUrl));
      const res = await agentFetch(url, {
        headers: {
          ...headers,
          [A2A_VERSION_HEADER]: A2A_PROTOCOL_VERSION,
          accept: 'application/json',
        },
        signal,
      });
      if (res.status === 404) {
        lastStatus = 404;
        await res.body?.cancel().catch(() => undefined);
        continue;
      }
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw new AgentCardError(`agent card at ${url} answered HTTP ${res.status}`, res.status);
      }
      const raw: unknown = await res.json().catch((err: unknown) => {
        throw new AgentCardError(`agent card at ${url} is not JSON`, undefined, { cause: err });
      });
      return this.normalize(raw, agentUrl, String(url));
    }
    throw new AgentCardError(
      `no agent card under ${cardBaseUrl(agentUrl)} (HTTP ${lastStatus}): is the agent deployed?`,
      lastStatus,
    );
  }

  private normalize(raw: unknown, agentUrl: string, cardUrl: string): AgentCard {
    if (!raw || typeof raw !== 'object')
      throw new AgentCardError(`agent card at ${cardUrl} is not an object`);
    let card: AgentCard;
    try {
      card = this.resolver.normalizeAgentCard(raw);
    } catch (err) {
      throw new AgentCardError(
        `agent card at ${cardUrl} is invalid: ${(err as Error).message}`,
        undefined,
        { cause: err },
      );
    }
    const interfaces = card.supportedInterfaces ?? [];
    if (!interfaces.length) throw new AgentCardError(`agent card at ${cardUrl} names no endpoint`);
    return {
      ...card,
      supportedInterfaces: interfaces.map((i) => ({
        ...i,
        url: reachableEndpoint(i.url, agentUrl),
      })),
    };
  }
}
