import {
  groupTools,
  MAX_TOOL_SERVERS,
  renderAgent,
  renderSkills,
  renderVeObjects,
  AgentRenderVe,
} from './agent';
import { ManifestRenderError } from './k8s-object';
import { modelConfigName, providerFor, renderModelConfig } from './model-config';

const ve = (over: Partial<AgentRenderVe> = {}): AgentRenderVe => ({
  id: '0b6f3c1e-8f1a-4b8e-9a55-1f2d3c4b5a69',
  customerId: '5f0c6a57-2f5e-4d38-9d44-8f3e0b1c2a10',
  name: 'Maya',
  role: 'Marketing manager',
  department: 'marketing',
  agentName: 'maya',
  namespace: 'customer-acme',
  model: 'gpt-4o-mini',
  skills: ['campaign-planning', 'SEO audit'],
  tools: ['web-search/search', 'web-search/fetch', 'crm/lookup'],
  systemPrompt: 'You plan campaigns for Acme.',
  generation: 3,
  ...over,
});
type AgentSpec = {
  type: string;
  description: string;
  declarative: {
    systemMessage: string;
    modelConfig: string;
    tools?: Array<{ type: string; mcpServer: Record<string, unknown> }>;
    a2aConfig: { skills: Array<Record<string, unknown>> };
    deployment: { serviceAccountName: string };
  };
};

describe('renderAgent', () => {
  it('renders a declarative kagent.dev/v1alpha2 Agent named after the VE in its namespace', () => {
    const agent = renderAgent(ve());
    expect(agent).toMatchObject({
      apiVersion: 'kagent.dev/v1alpha2',
      kind: 'Agent',
      metadata: { name: 'maya', namespace: 'customer-acme' },
    });
    const spec = agent.spec as AgentSpec;
    expect(spec.type).toBe('Declarative');
    expect(spec.description).toContain('Marketing manager');
    expect(spec.declarative.systemMessage).toBe('You plan campaigns for Acme.');
    expect(spec.declarative.modelConfig).toBe('gpt-4o-mini');
    expect(spec.declarative.deployment.serviceAccountName).toBe('ve-agent');
  });

  it('labels the Agent with its customer and VE', () => {
    expect(renderAgent(ve()).metadata.labels).toMatchObject({
      've-platform.dev/customer-id': ve().customerId,
      've-platform.dev/ve-id': ve().id,
      'app.kubernetes.io/managed-by': 've-backend',
    });
  });

  it('references MCP tools under spec.declarative.tools, grouped per server', () => {
    const spec = renderAgent(ve()).spec as AgentSpec;
    expect(spec.declarative.tools).toEqual([
      {
        type: 'McpServer',
        mcpServer: {
          kind: 'RemoteMCPServer',
          apiGroup: 'kagent.dev',
          name: 'web-search',
          toolNames: ['search', 'fetch'],
        },
      },
      {
        type: 'McpServer',
        mcpServer: {
          kind: 'RemoteMCPServer',
          apiGroup: 'kagent.dev',
          name: 'crm',
          toolNames: ['lookup'],
        },
      },
    ]);
  });

  it('omits tools when the VE has none, and writes a system message when it has no prompt', () => {
    const spec = renderAgent(ve({ tools: [], systemPrompt: '  ' })).spec as AgentSpec;
    expect(spec.declarative.tools).toBeUndefined();
    expect(spec.declarative.systemMessage).toMatch(/^You are Maya, the Marketing manager/);
  });

  it('advertises the VE skills as A2A skills with text in and out', () => {
    const skills = (renderAgent(ve()).spec as AgentSpec).declarative.a2aConfig.skills;
    expect(skills).toHaveLength(2);
    expect(skills[0]).toMatchObject({
      id: 'campaign-planning',
      name: 'Campaign planning',
      inputModes: ['text'],
      outputModes: ['text'],
    });
    expect(skills[1]).toMatchObject({
      id: 'seo-audit',
      name: 'SEO audit',
      tags: ['seo-audit', 'marketing'],
    });
    for (const s of skills) expect(typeof s.description).toBe('string');
  });

  it('does not change when rendered twice (deterministic, so applying twice is a no-op)', () => {
    expect(renderVeObjects(ve())).toEqual(renderVeObjects(ve()));
  });
});

describe('renderSkills', () => {
  it('falls back to one skill from the role (kagent needs at least one)', () => {
    expect(renderSkills({ role: 'Support agent', department: 'support', skills: [] })).toEqual([
      expect.objectContaining({ id: 'support-agent', name: 'Support agent' }),
    ]);
  });

  it('drops duplicates that slug to the same id', () => {
    expect(renderSkills({ role: 'r', department: 'd', skills: ['SEO', 'seo', ' '] })).toHaveLength(
      1,
    );
  });
});

describe('groupTools', () => {
  it('treats a bare server as the whole server (no toolNames)', () => {
    expect(groupTools(['github', 'github/create_issue'])).toEqual([
      {
        type: 'McpServer',
        mcpServer: { kind: 'RemoteMCPServer', apiGroup: 'kagent.dev', name: 'github' },
      },
    ]);
  });

  it('points at the MCP servers namespace when one is configured', () => {
    expect(groupTools(['crm/lookup'], 'mcp-servers')[0].mcpServer.namespace).toBe('mcp-servers');
  });

  it('refuses more than 20 servers and names that are not DNS labels', () => {
    const many = Array.from({ length: MAX_TOOL_SERVERS + 1 }, (_, i) => `s${i}/t`);
    expect(() => groupTools(many)).toThrow(ManifestRenderError);
    expect(() => groupTools(['Bad Server/x'])).toThrow(/not a valid MCP server name/);
    expect(() => groupTools(['crm/'])).toThrow(/empty/);
  });
});

describe('ModelConfig', () => {
  it.each([
    ['gpt-4o-mini', 'OpenAI', 'OPENAI_API_KEY', 'gpt-4o-mini'],
    ['o3-mini', 'OpenAI', 'OPENAI_API_KEY', 'o3-mini'],
    ['claude-3-5-sonnet-latest', 'Anthropic', 'ANTHROPIC_API_KEY', 'claude-3-5-sonnet-latest'],
    ['anthropic/claude-opus-4', 'Anthropic', 'ANTHROPIC_API_KEY', 'claude-opus-4'],
    ['openai/gpt-4.1', 'OpenAI', 'OPENAI_API_KEY', 'gpt-4.1'],
  ])('picks the provider of %s by its name', (model, provider, key, bare) => {
    expect(providerFor(model)).toEqual({ provider, apiKeySecretKey: key, model: bare });
  });

  it("points at the namespace Secret's key for its provider", () => {
    const mc = renderModelConfig('claude-3-5-haiku-latest', 'customer-acme', 'c1');
    expect(mc).toMatchObject({
      apiVersion: 'kagent.dev/v1alpha2',
      kind: 'ModelConfig',
      metadata: { name: 'claude-3-5-haiku-latest', namespace: 'customer-acme' },
      spec: {
        model: 'claude-3-5-haiku-latest',
        provider: 'Anthropic',
        apiKeySecret: 've-model-keys',
        apiKeySecretKey: 'ANTHROPIC_API_KEY',
      },
    });
  });

  it('names ModelConfigs as DNS labels, keeping distinct models distinct', () => {
    expect(modelConfigName('gpt-4.1')).toMatch(/^gpt-4-1-[0-9a-f]{6}$/);
    expect(modelConfigName('gpt-4.1')).not.toBe(modelConfigName('gpt-4-1'));
  });

  it('is what the Agent references', () => {
    const [mc, agent] = renderVeObjects(ve({ model: 'openai/gpt-4.1' }));
    expect((agent.spec as AgentSpec).declarative.modelConfig).toBe(mc.metadata.name);
  });
});
