import { buildRouteRequest, isRouteRequest, parseRouteAnswer } from './routing-protocol';

describe('routing protocol', () => {
  const candidates = [
    {
      veId: 'v1',
      agentName: 'marketer',
      name: 'Mia',
      role: 'Marketing',
      department: 'marketing',
      skills: ['seo'],
    },
  ];

  it('sends a prompt and a structured request the agent can recognise', () => {
    const { text, input } = buildRouteRequest(
      { title: 'Plan SEO', description: 'for Q3' },
      candidates,
    );
    expect(text).toContain('Task: Plan SEO');
    expect(text).toContain('- marketer (Mia; Marketing, marketing; skills: seo)');
    expect(isRouteRequest(input)).toBe(true);
    expect(input.task).toEqual({ title: 'Plan SEO', description: 'for Q3' });
    expect(isRouteRequest({ type: 'other' })).toBe(false);
  });

  it('reads the choice from a data part first', () => {
    const answer = parseRouteAnswer({
      text: '{"agentName":"ignored"}',
      artifacts: [
        {
          parts: [
            { kind: 'text', text: 'x' },
            { kind: 'data', data: { veId: 'v1', reason: 'seo expert' } },
          ],
        },
      ],
    });
    expect(answer).toEqual({ veId: 'v1', agentName: undefined, reason: 'seo expert' });
  });

  it('reads JSON text: bare, fenced, or embedded in prose', () => {
    expect(parseRouteAnswer({ text: '{"agentName":"marketer"}', artifacts: [] })?.agentName).toBe(
      'marketer',
    );
    expect(
      parseRouteAnswer({
        text: 'Sure:\n```json\n{"agentName": "marketer", "reason": "r"}\n```',
        artifacts: [],
      }),
    ).toMatchObject({ agentName: 'marketer', reason: 'r' });
    expect(
      parseRouteAnswer({ text: 'I pick {"veId":"v1"} because SEO.', artifacts: [] })?.veId,
    ).toBe('v1');
  });

  it('finds no answer in prose or in JSON that names no VE', () => {
    expect(parseRouteAnswer({ text: 'The marketer should do it.', artifacts: [] })).toBeUndefined();
    expect(parseRouteAnswer({ text: '{"reason":"no idea"}', artifacts: [] })).toBeUndefined();
  });
});
