import { routeByRules, scoreVe, tokenize, type RoutableVe } from './rules-router';

const ve = (over: Partial<RoutableVe> & { agentName: string }): RoutableVe => ({
  id: `id-${over.agentName}`,
  name: over.agentName,
  role: 'specialist',
  department: 'general',
  skills: [],
  status: 'ready',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...over,
});

const marketer = ve({
  agentName: 'marketer',
  role: 'Marketing Manager',
  department: 'marketing',
  skills: ['campaign-planning', 'SEO'],
});
const accountant = ve({
  agentName: 'accountant',
  role: 'Accountant',
  department: 'finance',
  skills: ['invoicing', 'bookkeeping'],
});
const support = ve({
  agentName: 'support',
  role: 'Support Agent',
  department: 'customer service',
  skills: ['ticket triage'],
});

describe('rule-based routing', () => {
  it('tokenizes words of any script and drops filler words', () => {
    expect(tokenize('Please plan the Q3 campaigns — für München!')).toEqual([
      'plan',
      'q3',
      'campaigns',
      'für',
      'münchen',
    ]);
  });

  it('routes by skills, matching longer forms of a word', () => {
    const d = routeByRules({ title: 'Plan the spring campaigns', description: 'improve our SEO' }, [
      accountant,
      marketer,
      support,
    ]);
    expect(d.ve.agentName).toBe('marketer');
    expect(d.reason).toContain('skill "campaign-planning"');
    expect(d.reason).toContain('skill "SEO"');
  });

  it('matches forms of a word that share a long stem, not short look-alikes', () => {
    expect(scoreVe(accountant, tokenize('Send the invoices')).score).toBeGreaterThan(0);
    expect(
      scoreVe(ve({ agentName: 'x', skills: ['contract review'] }), tokenize('content plan')).score,
    ).toBe(0);
  });

  it('routes by department or role when no skill matches', () => {
    expect(
      routeByRules({ title: 'Question for finance about Q3' }, [marketer, accountant, support]).ve
        .agentName,
    ).toBe('accountant');
    expect(
      routeByRules({ title: 'Need a support answer' }, [marketer, accountant, support]).ve
        .agentName,
    ).toBe('support');
  });

  it('scores a whole multi-word skill above a single shared word', () => {
    const a = scoreVe(support, tokenize('ticket triage backlog')).score;
    const b = scoreVe(
      ve({ agentName: 'x', skills: ['ticket writing'] }),
      tokenize('ticket triage backlog'),
    ).score;
    expect(a).toBeGreaterThan(b);
  });

  it('breaks ties deterministically: ready first, then oldest, then agent name', () => {
    const older = ve({ agentName: 'zed', createdAt: '2025-01-01T00:00:00.000Z' });
    const deploying = ve({
      agentName: 'aaa',
      status: 'deploying',
      createdAt: '2024-01-01T00:00:00.000Z',
    });
    const sameAge = ve({ agentName: 'bob' });
    const alsoSameAge = ve({ agentName: 'amy' });
    const d = routeByRules({ title: 'nothing matches here' }, [
      sameAge,
      deploying,
      alsoSameAge,
      older,
    ]);
    expect(d.ve.agentName).toBe('zed');
    expect(d.score).toBe(0);
    expect(d.reason).toContain('default order');
    expect(routeByRules({ title: 'x' }, [sameAge, alsoSameAge]).ve.agentName).toBe('amy');
    expect(routeByRules({ title: 'x' }, [alsoSameAge, sameAge]).ve.agentName).toBe('amy');
  });
});
