import { parseDirectives, sandboxResult, sandboxUsage } from './sandbox-directives';

describe('sandbox directives', () => {
  it('finds every directive and strips them from the text', () => {
    const d = parseDirectives(
      'Write the report [slow:1500] [delegate:copy-writer]\nthen [FAIL] stop',
    );
    expect(d).toMatchObject({
      slowMs: 1500,
      delegateTo: 'copy-writer',
      fail: true,
      input: false,
      text: 'Write the report\nthen stop',
    });
  });

  it('defaults the callback delay, reads an explicit one, and caps slowness', () => {
    expect(parseDirectives('x [callback]').callbackAfterMs).toBe(300);
    expect(parseDirectives('x [callback:0]').callbackAfterMs).toBe(0);
    expect(parseDirectives('x [slow:99999999]').slowMs).toBe(600_000);
    expect(parseDirectives('x [slow:abc]').slowMs).toBeUndefined();
  });

  it('leaves plain text alone', () => {
    expect(parseDirectives('Plan [the] launch')).toMatchObject({
      fail: false,
      input: false,
      text: 'Plan [the] launch',
    });
  });

  it('derives a deterministic result and plausible usage from the text', () => {
    const result = sandboxResult('marketer', 'Plan the launch\nwith details');
    expect(result).toBe('[sandbox] marketer completed: Plan the launch (5 words of input)');
    expect(sandboxResult('marketer', 'Plan the launch\nwith details')).toBe(result);
    expect(sandboxUsage('gpt-4o-mini', 'a'.repeat(400), 'b'.repeat(40))).toEqual({
      model: 'gpt-4o-mini',
      inputTokens: 140,
      outputTokens: 15,
    });
  });
});
