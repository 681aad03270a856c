import { Module } from '@nestjs/common';
import { BillingModule } from '../billing/billing.module';
import { VesModule } from '../ves/ves.module';
import { AgentClientCache } from './agent-client.cache';
import { AgentJwtService } from './agent-jwt.service';
import { GatewayHealth } from './gateway-health';
import { GatewayUrls } from './gateway-urls';
import { GatewayService } from './gateway.service';
import { JwksController } from './jwks.controller';
import { McpToolsService } from './mcp/mcp-tools.service';
import { VeToolsController } from './mcp/ve-tools.controller';
import { SandboxAgentController } from './sandbox/sandbox-agent.controller';
import { SandboxAgents } from './sandbox/sandbox-agents';
import { SandboxCallbacks } from './sandbox/sandbox-callbacks';

@Module({
  imports: [VesModule, BillingModule],
  providers: [
    GatewayService,
    GatewayUrls,
    AgentClientCache,
    AgentJwtService,
    McpToolsService,
    GatewayHealth,
    SandboxAgents,
    SandboxCallbacks,
  ],
  exports: [GatewayService, McpToolsService, AgentJwtService, SandboxAgents],
})
export class GatewayModule {}

/** Controllers of this domain, served by the API app only. */
export const GATEWAY_CONTROLLERS = [JwksController, VeToolsController, SandboxAgentController];
/** Processors of this domain, run where workers run (RUN_MODE=all|worker). */
export const GATEWAY_PROCESSORS = [];
