import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min, MaxLength } from 'class-validator';
import { type SelectQueryBuilder, sql } from 'kysely';
import { ValidationFailedError } from './domain-errors';

export class PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit: number = 50;

  @ApiPropertyOptional({ description: 'Opaque cursor from a previous page (nextCursor)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** A keyset position: the sort timestamp and the id that breaks ties. */
export interface Keyset {
  at: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The cursor after a row; its time as a Date or as the ISO string a list selected. */
export function encodeCursor(k: { created_at: Date | string; id: string }): string {
  const at = typeof k.created_at === 'string' ? k.created_at : k.created_at.toISOString();
  return Buffer.from(`${at}|${k.id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Keyset | undefined {
  if (!cursor) return undefined;
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (!id || !UUID.test(id) || Number.isNaN(date.getTime())) {
    throw new ValidationFailedError('cursor: not a cursor returned by this API', [
      { field: 'cursor', problems: ['invalid cursor'] },
    ]);
  }
  return { at: date, id };
}

/**
 * Narrows a list query to one keyset page: the rows after `after` in (created_at, id) order —
 * ascending, or descending for newest-first lists — limit+1 of them, so toPage can tell whether
 * more follow. The row comparison is what the (…, created_at, id) list indexes serve.
 */
export function keysetPage<DB, TB extends keyof DB, O>(
  query: SelectQueryBuilder<DB, TB, O>,
  page: { after?: Keyset; limit: number },
  order: 'asc' | 'desc' = 'asc',
): SelectQueryBuilder<DB, TB, O> {
  const { after } = page;
  const q = after
    ? query.where(
        sql<boolean>`(created_at, id) ${sql.raw(order === 'asc' ? '>' : '<')} (${after.at}, ${after.id})`,
      )
    : query;
  return q
    .orderBy(sql.ref('created_at'), order)
    .orderBy(sql.ref('id'), order)
    .limit(page.limit + 1);
}

/** Given limit+1 rows fetched in page order, returns the page and the cursor of its last row. */
export function toPage<R extends { created_at: Date | string; id: string }, T>(
  rows: R[],
  limit: number,
  map: (row: R) => T,
): Page<T> {
  const more = rows.length > limit;
  const pageRows = more ? rows.slice(0, limit) : rows;
  const last = pageRows[pageRows.length - 1];
  return { items: pageRows.map(map), nextCursor: more && last ? encodeCursor(last) : null };
}
