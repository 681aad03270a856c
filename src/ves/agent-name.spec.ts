import fc from 'fast-check';
import { isDnsLabel } from '../customers/dns-label';
import { AGENT_NAME_BASE_MAX, agentNameBase, pickAgentName } from './agent-name';

describe('agent names', () => {
  it('derives a DNS label from the display name', () => {
    expect(agentNameBase('Content Marketer')).toBe('content-marketer');
    expect(agentNameBase('  Zoë — Head of Sales! ')).toBe('zoe-head-of-sales');
  });

  it('starts with a letter, as Kubernetes Service names must', () => {
    expect(agentNameBase('3D Designer')).toBe('ve-3d-designer');
    expect(agentNameBase('!!!')).toBe('ve');
  });

  it('keeps room for a suffix', () => {
    expect(agentNameBase('x'.repeat(200)).length).toBe(AGENT_NAME_BASE_MAX);
  });

  it('is a valid DNS-1123 label starting with a letter for any text, even with a suffix', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 120 }), fc.integer({ min: 2, max: 999 }), (name, n) => {
        const base = agentNameBase(name);
        expect(/^[a-z]/.test(base)).toBe(true);
        expect(isDnsLabel(base)).toBe(true);
        expect(isDnsLabel(`${base}-${n}`)).toBe(true);
      }),
    );
  });

  it('suffixes -2, -3 ... on collision, reusing freed numbers', () => {
    expect(pickAgentName('analyst', new Set())).toBe('analyst');
    expect(pickAgentName('analyst', new Set(['analyst']))).toBe('analyst-2');
    expect(pickAgentName('analyst', new Set(['analyst', 'analyst-2', 'analyst-3']))).toBe(
      'analyst-4',
    );
    expect(pickAgentName('analyst', new Set(['analyst', 'analyst-3']))).toBe('analyst-2');
  });
});
