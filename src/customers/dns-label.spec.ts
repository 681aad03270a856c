import { isDnsLabel, toDnsLabel } from './dns-label';

describe('toDnsLabel', () => {
  it('lowercases and joins words with single dashes', () => {
    expect(toDnsLabel('Acme  Corp, Inc.', 63, 'x')).toBe('acme-corp-inc');
  });

  it('folds accents and drops apostrophes', () => {
    expect(toDnsLabel("Ana's Café Über", 63, 'x')).toBe('anas-cafe-uber');
  });

  it('cuts to the maximum length without leaving a trailing dash', () => {
    const label = toDnsLabel('abcde fghij', 6, 'x');
    expect(label).toBe('abcde');
    expect(isDnsLabel(label, 6)).toBe(true);
  });

  it('falls back when nothing alphanumeric is left', () => {
    expect(toDnsLabel('!!! ---', 63, 'customer')).toBe('customer');
    expect(toDnsLabel('日本語', 63, 've')).toBe('ve');
  });

  it('always yields a valid label for arbitrary text', () => {
    for (const text of ['-a-', '__x__', 'A'.repeat(100), 'é', '9 lives', ' x ']) {
      expect(isDnsLabel(toDnsLabel(text, 40, 'fallback'), 40)).toBe(true);
    }
  });
});

describe('isDnsLabel', () => {
  it.each(['a', 'acme', 'acme-1', '1-a', 'a'.repeat(63)])('accepts %s', (v) =>
    expect(isDnsLabel(v)).toBe(true),
  );
  it.each(['', 'Acme', '-a', 'a-', 'a_b', 'a.b', 'a'.repeat(64)])('refuses %s', (v) =>
    expect(isDnsLabel(v)).toBe(false),
  );
});
