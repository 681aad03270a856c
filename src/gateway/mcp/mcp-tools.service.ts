import { Injectable } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  ServiceUnavailableError,
  UnprocessableError,
  ValidationFailedError,
} from '../../common/domain-errors';
import { newTraceId, TraceContext, traceparentFor } from '../../common/trace';
import { AppConfig } from '../../config/app-config';
import type { Ve } from '../../ves/ves.types';
import { messageOf } from '../a2a-errors';
import { AgentJwtService } from '../agent-jwt.service';
import { parseToolRef, type ToolRef } from '../agent-url';
import { GatewayUrls } from '../gateway-urls';
import type { McpServerTools, McpToolInfo, McpToolResult } from './mcp.types';

interface ServerGrant {
  ref: ToolRef;
  /** Tool names the VE may use on this server, or '*' for all of them. */
  allowed: Set<string> | '*';
}

const MAX_PAGES = 20;

/** The VE's tools (`server/tool` strings) grouped by MCP server, in the order the VE lists them. */
export function grantsOf(tools: string[]): ServerGrant[] {
  const byServer = new Map<string, ServerGrant>();
  for (const value of tools) {
    if (!value.trim()) continue;
    const ref = parseToolRef(value);
    const grant = byServer.get(ref.server) ?? { ref, allowed: new Set<string>() };
    if (ref.tool === '*') grant.allowed = '*';
    else if (grant.allowed !== '*') grant.allowed.add(ref.tool);
    byServer.set(ref.server, grant);
  }
  return [...byServer.values()];
}

/**
 * Lists and calls the tools of a VE's MCP servers through the gateway (Streamable HTTP), each
 * call carrying the platform's JWT (aud = the server) so the gateway can authorise it per customer.
 */
@Injectable()
export class McpToolsService {
  constructor(
    private readonly config: AppConfig,
    private readonly urls: GatewayUrls,
    private readonly jwt: AgentJwtService,
  ) {}

  /** Every server of the VE with its tools; a server that cannot be reached is reported, not thrown. */
  async listTools(customerId: string, ve: Ve): Promise<McpServerTools[]> {
    return Promise.all(grantsOf(ve.tools).map((grant) => this.describe(customerId, ve, grant)));
  }

  async callTool(
    customerId: string,
    ve: Ve,
    tool: string,
    args: Record<string, unknown> = {},
  ): Promise<McpToolResult> {
    const ref = parseToolRef(tool);
    if (ref.tool === '*')
      throw new ValidationFailedError(`name one tool ("server/tool"), not a whole server: ${tool}`);
    const grant = grantsOf(ve.tools).find((g) => g.ref.server === ref.server);
    if (!grant || (grant.allowed !== '*' && !grant.allowed.has(ref.tool))) {
      throw new UnprocessableError(
        `VE ${ve.name} has no tool ${tool} (its tools: ${ve.tools.join(', ') || 'none'})`,
      );
    }
    const url = this.urls.mcp(grant.ref, ve.namespace);
    if (!url)
      throw new UnprocessableError(
        `MCP server ${ref.server} is reached through the gateway, and AGENT_GATEWAY_URL is not set`,
      );
    try {
      return await this.withClient(customerId, ve, grant.ref, url, async (client) => {
        const result = await client.callTool(
          { name: ref.tool, arguments: args },
          undefined,
          this.requestOptions(),
        );
        return {
          tool,
          isError: Boolean(result.isError),
          content: (result.content as unknown[] | undefined) ?? [],
          ...(result.structuredContent
            ? { structuredContent: result.structuredContent as Record<string, unknown> }
            : {}),
        };
      });
    } catch (err) {
      // A JSON-RPC error from the server (unknown tool, bad arguments) is the request's fault; anything else is an outage.
      if (err instanceof (await mcpSdk()).McpError)
        throw new UnprocessableError(
          `MCP server ${ref.server} refused ${ref.tool}: ${err.message}`,
        );
      throw new ServiceUnavailableError(
        `MCP server ${ref.server} at ${url} is unreachable: ${messageOf(err)}`,
        { cause: err },
      );
    }
  }

  private async describe(customerId: string, ve: Ve, grant: ServerGrant): Promise<McpServerTools> {
    const allowed: string[] | '*' = grant.allowed === '*' ? '*' : [...grant.allowed];
    const base = { server: grant.ref.server, allowed };
    const url = this.urls.mcp(grant.ref, ve.namespace);
    if (!url) {
      return {
        ...base,
        url: null,
        reachable: false,
        tools: [],
        missing: [],
        error: 'AGENT_GATEWAY_URL is not set: MCP servers are reached through the gateway',
      };
    }
    try {
      const offered = await this.withClient(customerId, ve, grant.ref, url, (client) =>
        this.listAll(client),
      );
      const tools = allowed === '*' ? offered : offered.filter((t) => allowed.includes(t.name));
      const missing =
        allowed === '*' ? [] : allowed.filter((name) => !offered.some((t) => t.name === name));
      return { ...base, url, reachable: true, tools, missing };
    } catch (err) {
      return { ...base, url, reachable: false, tools: [], missing: [], error: messageOf(err) };
    }
  }

  private async listAll(client: Client): Promise<McpToolInfo[]> {
    const tools: McpToolInfo[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await client.listTools(cursor ? { cursor } : undefined, this.requestOptions());
      for (const t of res.tools) {
        tools.push({
          name: t.name,
          ...(t.title ? { title: t.title } : {}),
          description: t.description ?? null,
          inputSchema: t.inputSchema,
        });
      }
      cursor = res.nextCursor;
      if (!cursor) break;
    }
    return tools;
  }

  private requestOptions() {
    return { timeout: this.config.get('MCP_CALL_TIMEOUT_MS') };
  }

  private async withClient<T>(
    customerId: string,
    ve: Ve,
    ref: ToolRef,
    url: string,
    use: (client: Client) => Promise<T>,
  ): Promise<T> {
    const token = await this.jwt.sign({ audience: ref.server, customerId, veId: ve.id });
    const headers = {
      Authorization: `Bearer ${token}`,
      traceparent: traceparentFor(TraceContext.current() ?? newTraceId()),
    };
    const sdk = await mcpSdk();
    const client = new sdk.Client({ name: 've-platform-gateway', version: '1.0.0' });
    const transport = new sdk.StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers },
    });
    try {
      await client.connect(transport, this.requestOptions());
      return await use(client);
    } finally {
      await client.close().catch(() => undefined);
    }
  }
}

/**
 * The MCP SDK (and the zod schemas it builds), loaded on the first tool call: most processes never
 * call a tool, and it costs them ~15 MB of memory otherwise.
 */
let sdkLoading: ReturnType<typeof loadMcpSdk> | undefined;
function mcpSdk(): ReturnType<typeof loadMcpSdk> {
  return (sdkLoading ??= loadMcpSdk());
}
async function loadMcpSdk() {
  const [{ Client }, { StreamableHTTPClientTransport }, { McpError }] = await Promise.all([
    import('@modelcontextprotocol/sdk/client/index.js'),
    import('@modelcontextprotocol/sdk/client/streamableHttp.js'),
    import('@modelcontextprotocol/sdk/types.js'),
  ]);
  return { Client, StreamableHTTPClientTransport, McpError };
}
