import { A2A_PROTOCOL_VERSION, type AgentCard } from '@a2a-js/sdk';
import { duplicateInterfacesForLegacy } from '@a2a-js/sdk/compat/v0_3';
import { LegacyJsonRpcTransportHandler } from '@a2a-js/sdk/compat/v0_3/server';
import {
  DefaultRequestHandler,
  InMemoryTaskStore,
  JsonRpcTransportHandler,
} from '@a2a-js/sdk/server';
import { Injectable, Logger } from '@nestjs/common';
import { sandboxAgentUrl } from '../agent-url';
import { GatewayUrls } from '../gateway-urls';
import { SandboxAgentExecutor } from './sandbox-agent.executor';
import { SandboxCallbacks } from './sandbox-callbacks';

export interface SandboxAgent {
  card: AgentCard;
  v1: JsonRpcTransportHandler;
  legacy: LegacyJsonRpcTransportHandler;
}

const MAX_AGENTS = 1_000;

export const SANDBOX_DESCRIPTION =
  'SANDBOX agent of the VE Platform: a deterministic stand-in for a kagent agent (no LLM), served because ' +
  'AGENT_GATEWAY_URL is not set. Directives in the task text: [fail], [slow:<ms>], [input], ' +
  '[delegate:<agentName>], [callback] or [callback:<ms>], [route:<agentName>].';

/**
 * One A2A server (the SDK's DefaultRequestHandler, JSON-RPC 1.0 and 0.3) per sandbox agent name,
 * created on first use. Tasks live in one in-memory store: a sandbox task is only known to the
 * replica that ran it, which is fine for development and tests, not for production.
 */
@Injectable()
export class SandboxAgents {
  private readonly logger = new Logger('SandboxAgent');
  private readonly store = new InMemoryTaskStore();
  private readonly agents = new Map<string, SandboxAgent>();

  constructor(
    private readonly urls: GatewayUrls,
    private readonly callbacks: SandboxCallbacks,
  ) {}

  get(namespace: string, agentName: string): SandboxAgent {
    const key = `${namespace}/${agentName}`;
    let agent = this.agents.get(key);
    if (!agent) {
      const card = this.card(namespace, agentName);
      const handler = new DefaultRequestHandler(
        card,
        this.store,
        new SandboxAgentExecutor(agentName, this.callbacks, this.logger),
      );
      agent = {
        card,
        v1: new JsonRpcTransportHandler(handler),
        legacy: new LegacyJsonRpcTransportHandler(handler),
      };
      if (this.agents.size >= MAX_AGENTS) this.agents.delete(this.agents.keys().next().value!);
      this.agents.set(key, agent);
    }
    return agent;
  }

  private card(namespace: string, agentName: string): AgentCard {
    // The JSON-RPC endpoint: the agent URL without its trailing slash, the path the controller serves.
    const url = sandboxAgentUrl(this.urls.settings.publicUrl, namespace, agentName).replace(
      /\/$/,
      '',
    );
    const modes = ['text/plain', 'application/json'];
    return {
      name: agentName,
      description: SANDBOX_DESCRIPTION,
      supportedInterfaces: duplicateInterfacesForLegacy(
        [{ url, protocolBinding: 'JSONRPC', tenant: '', protocolVersion: A2A_PROTOCOL_VERSION }],
        ['JSONRPC'],
      ),
      provider: { organization: 'VE Platform sandbox', url: this.urls.settings.publicUrl },
      version: '1.0.0-sandbox',
      capabilities: {
        streaming: true,
        pushNotifications: false,
        extensions: [],
        extendedAgentCard: false,
      },
      securitySchemes: {},
      securityRequirements: [],
      defaultInputModes: modes,
      defaultOutputModes: modes,
      skills: [
        {
          id: 'sandbox',
          name: 'Sandbox work',
          description:
            'Completes any task with a short deterministic result and plausible token usage.',
          tags: ['sandbox', 'deterministic'],
          examples: [
            'Write a launch plan',
            'Check the invoice [slow:2000]',
            'Plan the campaign [delegate:copywriter]',
          ],
          inputModes: modes,
          outputModes: modes,
          securityRequirements: [],
        },
      ],
      signatures: [],
    };
  }
}
