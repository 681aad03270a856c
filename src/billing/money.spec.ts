import { costMicros, formatUsd, parseUsd, percentOf } from './money';

describe('costMicros', () => {
  const gpt4o = { inputMicrosPerMTok: 2_500_000, outputMicrosPerMTok: 10_000_000 };

  it('charges price per million tokens in integer micro-dollars', () => {
    // 1,000 in × $2.50/M + 500 out × $10/M = $0.0025 + $0.005 = 7,500 µ$
    expect(costMicros(1_000, 500, gpt4o)).toBe(7_500);
    expect(costMicros(1_000_000, 1_000_000, gpt4o)).toBe(12_500_000);
    expect(costMicros(0, 0, gpt4o)).toBe(0);
  });

  it('rounds half up to the micro-dollar', () => {
    const mini = { inputMicrosPerMTok: 150_000, outputMicrosPerMTok: 600_000 };
    expect(costMicros(3, 0, mini)).toBe(0); // 0.45 µ$
    expect(costMicros(4, 0, mini)).toBe(1); // 0.6 µ$
    expect(costMicros(10, 0, { inputMicrosPerMTok: 50_000, outputMicrosPerMTok: 0 })).toBe(1); // 0.5 µ$ → 1
    expect(costMicros(9, 0, { inputMicrosPerMTok: 50_000, outputMicrosPerMTok: 0 })).toBe(0); // 0.45 µ$ → 0
  });

  it('stays exact where doubles would not', () => {
    const opus = { inputMicrosPerMTok: 15_000_000, outputMicrosPerMTok: 75_000_000 };
    // 10^12 × 75,000,000 = 7.5e19 exceeds 2^53: BigInt keeps it exact.
    expect(costMicros(1_000_000_000_000, 1_000_000_000_000, opus)).toBe(90_000_000_000_000);
    expect(costMicros(123_456_789, 987_654_321, opus)).toBe(75_925_925_910);
    const odd = { inputMicrosPerMTok: 2_500_001, outputMicrosPerMTok: 7_654_321 };
    // (9876543210123 × 2500001 + 1234567 × 7654321) / 1e6 = 24691377351622.824130 → 24691377351623
    expect(costMicros(9_876_543_210_123, 1_234_567, odd)).toBe(24_691_377_351_623);
  });

  it('refuses a cost beyond the safe integer range', () => {
    const huge = { inputMicrosPerMTok: Number.MAX_SAFE_INTEGER, outputMicrosPerMTok: 0 };
    expect(() => costMicros(Number.MAX_SAFE_INTEGER, 0, huge)).toThrow(RangeError);
  });
});

describe('formatUsd', () => {
  it('prints six decimals exactly', () => {
    expect(formatUsd(0)).toBe('0.000000');
    expect(formatUsd(1)).toBe('0.000001');
    expect(formatUsd(12_345_678)).toBe('12.345678');
    expect(formatUsd(Number.MAX_SAFE_INTEGER)).toBe('9007199254.740991');
    expect(formatUsd(-1_500_000)).toBe('-1.500000');
  });
});

describe('parseUsd', () => {
  it('reads numbers and decimal strings into micro-dollars', () => {
    expect(parseUsd(2.5)).toBe(2_500_000);
    expect(parseUsd('10.00')).toBe(10_000_000);
    expect(parseUsd(0.1)).toBe(100_000);
    expect(parseUsd(0.000001)).toBe(1);
    expect(parseUsd('0.123456')).toBe(123_456);
    expect(parseUsd(0)).toBe(0);
    expect(parseUsd(500)).toBe(500_000_000);
  });

  it('refuses negatives, more than six decimals, and non-numbers', () => {
    for (const bad of [
      -1,
      '-0.5',
      1e-7,
      '0.0000001',
      0.1234567,
      'abc',
      '',
      '1e3',
      NaN,
      Infinity,
      null,
      {},
      true,
      '1.',
    ]) {
      expect(parseUsd(bad)).toBeNull();
    }
  });

  it('refuses amounts beyond the safe integer range of micro-dollars', () => {
    expect(parseUsd('999999999999999')).toBeNull();
    expect(parseUsd(1e21)).toBeNull();
  });
});

describe('percentOf', () => {
  it('gives two decimals, or null without a whole', () => {
    expect(percentOf(825, 1_000)).toBe(82.5);
    expect(percentOf(1, 3)).toBe(33.33);
    expect(percentOf(2, 3)).toBe(66.67);
    expect(percentOf(5, 0)).toBeNull();
  });
});
