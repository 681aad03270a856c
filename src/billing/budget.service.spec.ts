import { isBlocked, reached, stateOf } from './budget.service';

describe('budget rules', () => {
  it('is ok below 80%, a warning from 80%, exceeded from 100%', () => {
    expect(stateOf(null, 5)).toBe('none');
    expect(stateOf(1_000, 799)).toBe('ok');
    expect(stateOf(1_000, 800)).toBe('warning');
    expect(stateOf(1_000, 1_000)).toBe('exceeded');
    expect(stateOf(0, 0)).toBe('exceeded');
  });

  it('reaches thresholds at 80% and 100%, none without spend', () => {
    expect(reached(1_000, 0)).toEqual([]);
    expect(reached(1_000, 799)).toEqual([]);
    expect(reached(1_000, 800)).toEqual([80]);
    expect(reached(1_000, 5_000)).toEqual([80, 100]);
    expect(reached(0, 1)).toEqual([80, 100]);
  });

  it('blocks only a hard stop at or over its limit', () => {
    const spend = { limitMicros: 1_000, hardStop: true, spentMicros: 1_000, updatedAt: null };
    expect(isBlocked(spend)).toBe(true);
    expect(isBlocked({ ...spend, spentMicros: 999 })).toBe(false);
    expect(isBlocked({ ...spend, hardStop: false })).toBe(false);
    expect(isBlocked({ ...spend, limitMicros: null })).toBe(false);
  });
});
