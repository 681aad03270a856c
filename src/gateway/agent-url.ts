/** Where agents and MCP servers live: pure functions over the URL templates (AGENT_URL_TEMPLATE, MCP_URL_TEMPLATE). */

export interface AgentAddress {
  namespace: string;
  agentName: string;
  /** The customer's own A2A URL; wins over the templates. */
  agentUrl?: string | null;
}

export interface UrlSettings {
  /** AGENT_GATEWAY_URL; unset means the built-in sandbox agent answers. */
  gateway?: string;
  agentTemplate: string;
  mcpTemplate: string;
  /** PUBLIC_URL of this backend, where the sandbox agent is served. */
  publicUrl: string;
}

/** The path prefix under which the app serves the sandbox agent. */
export const SANDBOX_PREFIX = 'sandbox/a2a';

const PLACEHOLDER = /\{(gateway|namespace|agent|server)\}/g;

export function stripTrailingSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** Fills `{gateway}`, `{namespace}`, `{agent}`, `{server}`; path values are URL-encoded, the gateway is not. */
export function fillTemplate(
  template: string,
  vars: Partial<Record<'gateway' | 'namespace' | 'agent' | 'server', string>>,
): string {
  return template.replace(PLACEHOLDER, (whole, key: keyof typeof vars) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`URL template ${template} needs {${key}}`);
    return key === 'gateway' ? stripTrailingSlash(value) : encodeURIComponent(value);
  });
}

export function sandboxAgentUrl(publicUrl: string, namespace: string, agentName: string): string {
  return `${stripTrailingSlash(publicUrl)}/${SANDBOX_PREFIX}/${encodeURIComponent(namespace)}/${encodeURIComponent(agentName)}/`;
}

/** The A2A URL of an agent: its own URL, else the gateway template, else the sandbox agent. */
export function agentUrlFor(agent: AgentAddress, settings: UrlSettings): string {
  if (agent.agentUrl) return agent.agentUrl;
  if (!settings.gateway)
    return sandboxAgentUrl(settings.publicUrl, agent.namespace, agent.agentName);
  return fillTemplate(settings.agentTemplate, {
    gateway: settings.gateway,
    namespace: agent.namespace,
    agent: agent.agentName,
  });
}

/** The base the agent card is looked up under: always a directory, so `.well-known/...` resolves below it. */
export function cardBaseUrl(agentUrl: string): string {
  return agentUrl.endsWith('/') ? agentUrl : `${agentUrl}/`;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '0.0.0.0', '[::1]', '[::]']);

/**
 * kagent#1125: cards often advertise the agent's in-pod address (127.0.0.1, 0.0.0.0). Such an
 * endpoint is moved onto the origin we reached the card through; any other endpoint is kept.
 */
export function reachableEndpoint(advertised: string, agentUrl: string): string {
  let endpoint: URL;
  try {
    endpoint = new URL(advertised, cardBaseUrl(agentUrl));
  } catch {
    return agentUrl;
  }
  const via = new URL(agentUrl);
  if (LOOPBACK.has(endpoint.hostname) && !LOOPBACK.has(via.hostname)) {
    endpoint.protocol = via.protocol;
    endpoint.host = via.host;
  }
  return endpoint.toString();
}

/** A VE tool: `server/tool`, `server` or `server/*` (every tool), or a full URL (`https://host/mcp#tool`). */
export interface ToolRef {
  /** The server's name, or its URL (without the fragment) for URL tools. */
  server: string;
  /** A tool name, or '*' for every tool of the server. */
  tool: string;
  /** Set when the VE names the server by URL. */
  url?: string;
}

export function parseToolRef(value: string): ToolRef {
  const raw = value.trim();
  if (/^https?:\/\//i.test(raw)) {
    const url = new URL(raw);
    const tool = decodeURIComponent(url.hash.replace(/^#/, '')) || '*';
    url.hash = '';
    return { server: url.toString(), tool, url: url.toString() };
  }
  const slash = raw.indexOf('/');
  if (slash < 0) return { server: raw, tool: '*' };
  return { server: raw.slice(0, slash), tool: raw.slice(slash + 1) || '*' };
}

/** The MCP endpoint of a server, or undefined when no gateway is configured and the VE gave no URL. */
export function mcpServerUrl(
  ref: ToolRef,
  namespace: string,
  settings: UrlSettings,
): string | undefined {
  if (ref.url) return ref.url;
  if (!settings.gateway) return undefined;
  return fillTemplate(settings.mcpTemplate, {
    gateway: settings.gateway,
    namespace,
    server: ref.server,
  });
}
