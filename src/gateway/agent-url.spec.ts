import {
  agentUrlFor,
  cardBaseUrl,
  fillTemplate,
  mcpServerUrl,
  parseToolRef,
  reachableEndpoint,
  type UrlSettings,
} from './agent-url';

const settings: UrlSettings = {
  gateway: 'http://kagent-controller.kagent:8083/',
  agentTemplate: '{gateway}/api/a2a/{namespace}/{agent}/',
  mcpTemplate: '{gateway}/mcp/{namespace}/{server}',
  publicUrl: 'https://api.example.com',
};
const ve = { namespace: 'customer-acme', agentName: 'marketing-manager', agentUrl: null };

describe('agent URL templating', () => {
  it('fills the kagent path under the gateway, without a double slash', () => {
    expect(agentUrlFor(ve, settings)).toBe(
      'http://kagent-controller.kagent:8083/api/a2a/customer-acme/marketing-manager/',
    );
  });

  it("prefers the VE's own agent URL", () => {
    expect(agentUrlFor({ ...ve, agentUrl: 'https://agents.acme.io/a2a' }, settings)).toBe(
      'https://agents.acme.io/a2a',
    );
  });

  it('points at the built-in sandbox agent when no gateway is configured', () => {
    expect(agentUrlFor(ve, { ...settings, gateway: undefined })).toBe(
      'https://api.example.com/sandbox/a2a/customer-acme/marketing-manager/',
    );
  });

  it('encodes path values and refuses a template placeholder it cannot fill', () => {
    expect(fillTemplate('{gateway}/x/{agent}', { gateway: 'http://g', agent: 'a b/c' })).toBe(
      'http://g/x/a%20b%2Fc',
    );
    expect(() => fillTemplate('{gateway}/{server}', { gateway: 'http://g' })).toThrow(/\{server\}/);
  });

  it('looks up the card below the agent URL, whether or not it ends with a slash', () => {
    expect(
      new URL('.well-known/agent-card.json', cardBaseUrl('http://h/api/a2a/ns/a')).toString(),
    ).toBe('http://h/api/a2a/ns/a/.well-known/agent-card.json');
    expect(cardBaseUrl('http://h/a/')).toBe('http://h/a/');
  });

  it('moves a loopback endpoint advertised by the card onto the origin it was reached through (kagent#1125)', () => {
    expect(
      reachableEndpoint(
        'http://127.0.0.1:8080/api/a2a/ns/a/',
        'http://gw.internal:8083/api/a2a/ns/a/',
      ),
    ).toBe('http://gw.internal:8083/api/a2a/ns/a/');
    expect(reachableEndpoint('https://agent.example.com/rpc', 'http://gw/api/a2a/ns/a/')).toBe(
      'https://agent.example.com/rpc',
    );
    expect(reachableEndpoint('http://localhost:9/x', 'http://localhost:7/y')).toBe(
      'http://localhost:9/x',
    );
  });
});

describe('VE tool references', () => {
  it('reads server/tool, a whole server, and URLs with an optional #tool', () => {
    expect(parseToolRef('web-search/search')).toEqual({ server: 'web-search', tool: 'search' });
    expect(parseToolRef('github')).toEqual({ server: 'github', tool: '*' });
    expect(parseToolRef('github/*')).toEqual({ server: 'github', tool: '*' });
    expect(parseToolRef('https://mcp.acme.io/mcp#lookup')).toEqual({
      server: 'https://mcp.acme.io/mcp',
      tool: 'lookup',
      url: 'https://mcp.acme.io/mcp',
    });
    expect(parseToolRef('http://127.0.0.1:9/mcp')).toMatchObject({
      tool: '*',
      url: 'http://127.0.0.1:9/mcp',
    });
  });

  it('builds the MCP URL from MCP_URL_TEMPLATE, or the URL the VE gave; none without a gateway', () => {
    expect(mcpServerUrl(parseToolRef('web-search/search'), 'customer-acme', settings)).toBe(
      'http://kagent-controller.kagent:8083/mcp/customer-acme/web-search',
    );
    expect(
      mcpServerUrl(parseToolRef('web-search/search'), 'customer-acme', {
        ...settings,
        gateway: undefined,
      }),
    ).toBeUndefined();
    expect(
      mcpServerUrl(parseToolRef('https://m.io/mcp#x'), 'ns', { ...settings, gateway: undefined }),
    ).toBe('https://m.io/mcp');
  });
});
