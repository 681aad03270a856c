import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import {
  agentUrlFor,
  mcpServerUrl,
  stripTrailingSlash,
  type AgentAddress,
  type ToolRef,
  type UrlSettings,
} from './agent-url';

/** The URL settings of this deployment, read once from the config. */
@Injectable()
export class GatewayUrls {
  readonly settings: UrlSettings;

  constructor(config: AppConfig) {
    this.settings = {
      gateway: config.get('AGENT_GATEWAY_URL') || undefined,
      agentTemplate: config.get('AGENT_URL_TEMPLATE'),
      mcpTemplate: config.get('MCP_URL_TEMPLATE'),
      publicUrl: stripTrailingSlash(config.get('PUBLIC_URL')),
    };
  }

  /** No AGENT_GATEWAY_URL: agents without their own URL are answered by the built-in sandbox agent. */
  get sandbox(): boolean {
    return !this.settings.gateway;
  }

  agent(address: AgentAddress): string {
    return agentUrlFor(address, this.settings);
  }

  mcp(ref: ToolRef, namespace: string): string | undefined {
    return mcpServerUrl(ref, namespace, this.settings);
  }

  /** Where agents report back (ARCHITECTURE.md, "The agent contract"). */
  get callbackUrl(): string {
    return `${this.settings.publicUrl}/api/webhooks/agent-callback`;
  }

  /** Where A2A push notifications for platform tasks go (the webhooks domain receives them). */
  get pushUrl(): string {
    return `${this.settings.publicUrl}/api/webhooks/a2a`;
  }
}
