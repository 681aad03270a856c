/**
 * Money is integer micro-dollars (1 USD = 1,000,000 µ$) everywhere inside the platform;
 * the API shows it as a decimal string with six decimals. No floating-point arithmetic on money.
 */
export const MICROS_PER_USD = 1_000_000;
const MICROS = 1_000_000n;
const TOKENS_PER_PRICE_UNIT = 1_000_000n;
const USD = /^(\d{1,15})(?:\.(\d{1,6}))?$/;

/** Prices of one model in micro-dollars per million tokens. */
export interface ModelPrice {
  inputMicrosPerMTok: number;
  outputMicrosPerMTok: number;
}

/**
 * Cost of one usage event in micro-dollars: (in × inPrice + out × outPrice) / 1e6, rounded half up.
 * BigInt keeps the product exact (a billion tokens × $75/MTok overflows 2^53 as a double).
 */
export function costMicros(inputTokens: number, outputTokens: number, price: ModelPrice): number {
  const scaled =
    BigInt(inputTokens) * BigInt(price.inputMicrosPerMTok) +
    BigInt(outputTokens) * BigInt(price.outputMicrosPerMTok);
  const micros = (scaled + TOKENS_PER_PRICE_UNIT / 2n) / TOKENS_PER_PRICE_UNIT;
  if (micros > BigInt(Number.MAX_SAFE_INTEGER))
    throw new RangeError('cost exceeds the safe integer range');
  return Number(micros);
}

/** '12.345678' for 12345678 µ$ (always six decimals, exact). */
export function formatUsd(micros: number | bigint): string {
  const value = BigInt(micros);
  const sign = value < 0n ? '-' : '';
  const abs = value < 0n ? -value : value;
  return `${sign}${abs / MICROS}.${(abs % MICROS).toString().padStart(6, '0')}`;
}

/**
 * Micro-dollars of a non-negative USD amount given as a JSON number or a decimal string with at
 * most six decimals; null when it is not one. Numbers are read from their shortest decimal form,
 * so 0.1 is exactly 100000 µ$ and 1e-7 (seven decimals) is refused rather than rounded.
 */
export function parseUsd(value: unknown): number | null {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    text = String(value);
  } else if (typeof value === 'string') {
    text = value.trim();
  } else {
    return null;
  }
  const match = USD.exec(text);
  if (!match) return null;
  const micros = BigInt(match[1]!) * MICROS + BigInt((match[2] ?? '').padEnd(6, '0'));
  return micros > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(micros);
}

/** Percentage of `part` in `whole` with two decimals; null when there is no whole to compare with. */
export function percentOf(part: number, whole: number): number | null {
  if (whole <= 0) return null;
  // Integer hundredths of a percent first, so the value is stable whatever the magnitudes.
  const hundredths = (BigInt(part) * 10_000n + BigInt(whole) / 2n) / BigInt(whole);
  return Number(hundredths) / 100;
}
