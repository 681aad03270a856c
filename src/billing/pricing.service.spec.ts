import type { AppConfig } from '../config/app-config';
import { lookupName, match, PricingService } from './pricing.service';
import type { PricingRepository, PricingRow } from './pricing.repository';

const row = (model: string, input: number, output: number): PricingRow => ({
  model,
  provider: 'x',
  input_micros_per_mtok: input,
  output_micros_per_mtok: output,
  updated_at: new Date(0),
});
const ROWS = [
  row('gpt-4o', 2_500_000, 10_000_000),
  row('gpt-4o-mini', 150_000, 600_000),
  row('claude-sonnet-4', 3_000_000, 15_000_000),
  row('claude-sonnet-4-5', 3_000_000, 15_000_000),
];

function service(rows: PricingRow[], fallbackModel: string) {
  const repo = { list: jest.fn(async () => rows) } as unknown as PricingRepository;
  const config = { get: () => fallbackModel } as unknown as AppConfig;
  return { svc: new PricingService(repo, config), repo };
}

describe('model price lookup', () => {
  it('strips provider prefixes and case', () => {
    expect(lookupName(' OpenAI/GPT-4o ')).toBe('gpt-4o');
    expect(lookupName('anthropic.claude-3-haiku-20240307-v1:0')).toBe(
      'claude-3-haiku-20240307-v1:0',
    );
  });

  it('prefers the exact name, then the longest priced prefix', () => {
    expect(match(ROWS, 'gpt-4o')?.model).toBe('gpt-4o');
    expect(match(ROWS, 'gpt-4o-mini-2024-07-18')?.model).toBe('gpt-4o-mini');
    expect(match(ROWS, 'gpt-4o-2024-08-06')?.model).toBe('gpt-4o');
    expect(match(ROWS, 'claude-sonnet-4-5-20250929')?.model).toBe('claude-sonnet-4-5');
    expect(match(ROWS, 'claude-sonnet-4-20250514')?.model).toBe('claude-sonnet-4');
    expect(match(ROWS, 'claude-sonnet-4@20250514')?.model).toBe('claude-sonnet-4');
    expect(match(ROWS, 'gpt-4oo')).toBeUndefined();
    expect(match(ROWS, 'llama-3')).toBeUndefined();
  });
});

describe('PricingService.resolve', () => {
  it('flags the fallback price for an unknown model', async () => {
    const { svc } = service(ROWS, 'gpt-4o');
    await expect(svc.resolve('gpt-4o-mini')).resolves.toEqual({
      price: { inputMicrosPerMTok: 150_000, outputMicrosPerMTok: 600_000 },
      pricedAs: 'gpt-4o-mini',
      fallback: false,
    });
    await expect(svc.resolve('my-own-llm')).resolves.toEqual({
      price: { inputMicrosPerMTok: 2_500_000, outputMicrosPerMTok: 10_000_000 },
      pricedAs: 'gpt-4o',
      fallback: true,
    });
  });

  it('charges the highest listed prices when the fallback model itself is unpriced', async () => {
    const { svc } = service(ROWS, 'nope');
    await expect(svc.resolve('my-own-llm')).resolves.toMatchObject({
      price: { inputMicrosPerMTok: 3_000_000, outputMicrosPerMTok: 15_000_000 },
      fallback: true,
    });
  });

  it('reads the table once per cache period', async () => {
    const { svc, repo } = service(ROWS, 'gpt-4o');
    await svc.resolve('gpt-4o');
    await svc.resolve('gpt-4o-mini');
    expect(repo.list).toHaveBeenCalledTimes(1);
  });
});
