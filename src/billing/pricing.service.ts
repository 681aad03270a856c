import { Injectable } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import type { Db } from '../common/db-types';
import { ValidationFailedError } from '../common/domain-errors';
import { formatUsd, ModelPrice } from './money';
import { PricingRepository, PricingRow } from './pricing.repository';
import type { PricingItem, PricingList } from './billing.types';

/** Prices change rarely; each replica re-reads them at most this often (a local PUT clears at once). */
const CACHE_MS = 5_000;
/** Stored model names: lower case, no provider prefix (the lookup strips `openai/` and the like). */
export const MODEL_NAME = /^[a-z0-9][a-z0-9._:@-]{0,199}$/;

/** The price a usage event is charged at, and which priced model it came from. */
export interface ResolvedPrice {
  price: ModelPrice;
  /** The model_pricing row used (the fallback model's when `fallback`). */
  pricedAs: string;
  fallback: boolean;
}

/** Prices per model, the lookup of a reported model name, and the fallback for unknown models. */
@Injectable()
export class PricingService {
  private cache?: { rows: PricingRow[]; loadedAt: number };

  constructor(
    private readonly repo: PricingRepository,
    private readonly config: AppConfig,
  ) {}

  async list(): Promise<PricingList> {
    const rows = await this.rows(true);
    return { items: rows.map(toItem), fallbackModel: this.config.get('BILLING_FALLBACK_MODEL') };
  }

  async put(
    model: string,
    provider: string,
    inputMicros: number,
    outputMicros: number,
  ): Promise<PricingItem> {
    const name = model.trim().toLowerCase();
    if (!MODEL_NAME.test(name)) {
      throw new ValidationFailedError(
        'model: lower-case letters, digits and . _ : @ - only (at most 200), no provider prefix',
        [{ field: 'model', problems: ['invalid model name'] }],
      );
    }
    const row = await this.repo.upsert({
      model: name,
      provider: provider.trim().toLowerCase(),
      input_micros_per_mtok: inputMicros,
      output_micros_per_mtok: outputMicros,
    });
    this.cache = undefined;
    return toItem(row);
  }

  /**
   * The price of a reported model: the exact name, else the longest priced name it extends
   * (`gpt-4o-mini-2024-07-18` → `gpt-4o-mini`), else BILLING_FALLBACK_MODEL's price (flagged),
   * else — should an operator name an unpriced fallback — the highest prices on the list.
   */
  async resolve(reported: string, db?: Db): Promise<ResolvedPrice> {
    const rows = await this.rows(false, db);
    const own = match(rows, reported);
    if (own) return { price: priceOf(own), pricedAs: own.model, fallback: false };
    const fallback = match(rows, this.config.get('BILLING_FALLBACK_MODEL'));
    if (fallback) return { price: priceOf(fallback), pricedAs: fallback.model, fallback: true };
    if (!rows.length) throw new Error('model_pricing is empty: no price to charge usage at');
    return {
      price: {
        inputMicrosPerMTok: Math.max(...rows.map((r) => r.input_micros_per_mtok)),
        outputMicrosPerMTok: Math.max(...rows.map((r) => r.output_micros_per_mtok)),
      },
      pricedAs: 'highest-listed',
      fallback: true,
    };
  }

  /**
   * `db`: the caller's transaction when it holds one. Reloading through the pool instead would
   * need a second connection per transaction: with as many transactions open as the pool has
   * connections (a webhook burst), each would wait for the others until the pool timeout.
   */
  private async rows(fresh: boolean, db?: Db): Promise<PricingRow[]> {
    if (!fresh && this.cache && Date.now() - this.cache.loadedAt < CACHE_MS) return this.cache.rows;
    const rows = await this.repo.list(db);
    this.cache = { rows, loadedAt: Date.now() };
    return rows;
  }
}

/** Lower-cases and drops a provider prefix: `OpenAI/GPT-4o` and `anthropic.claude-3-haiku` are looked up bare. */
export function lookupName(reported: string): string {
  return reported
    .trim()
    .toLowerCase()
    .replace(/^.*\//, '')
    .replace(/^(openai|anthropic|google|azure)\./, '');
}

/** The exact row, else the longest priced name followed by `-` or `@` (dated and versioned variants). */
export function match<R extends { model: string }>(
  rows: readonly R[],
  reported: string,
): R | undefined {
  const name = lookupName(reported);
  let best: R | undefined;
  for (const row of rows) {
    if (row.model === name) return row;
    const extends_ = name.startsWith(`${row.model}-`) || name.startsWith(`${row.model}@`);
    if (extends_ && (!best || row.model.length > best.model.length)) best = row;
  }
  return best;
}

function priceOf(row: PricingRow): ModelPrice {
  return {
    inputMicrosPerMTok: row.input_micros_per_mtok,
    outputMicrosPerMTok: row.output_micros_per_mtok,
  };
}

function toItem(row: PricingRow): PricingItem {
  return {
    model: row.model,
    provider: row.provider,
    inputUsdPerMTok: formatUsd(row.input_micros_per_mtok),
    outputUsdPerMTok: formatUsd(row.output_micros_per_mtok),
    updatedAt: row.updated_at.toISOString(),
  };
}
