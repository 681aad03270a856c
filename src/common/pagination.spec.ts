import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
} from 'kysely';
import type { Database } from '../database/database.types';
import { AllExceptionsFilter } from './http-exception.filter';
import { decodeCursor, encodeCursor, keysetPage, PageQueryDto, toPage } from './pagination';

const ID = '3f2b8c1e-9a4d-4e6f-8b7a-1c2d3e4f5a6b';

describe('keyset cursors', () => {
  it('round-trips the sort timestamp and the tie-breaking id', () => {
    const at = new Date('2026-11-26T10:20:30.123Z');
    const cursor = encodeCursor({ created_at: at, id: ID });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/); // URL-safe: goes in a query string as is
    expect(decodeCursor(cursor)).toEqual({ at, id: ID });
  });

  it('treats no cursor as the first page', () => {
    expect(decodeCursor(undefined)).toBeUndefined();
    expect(decodeCursor('')).toBeUndefined();
  });

  it.each([
    ['garbage', 'not-a-cursor'],
    ['a bad date', Buffer.from(`yesterday|${ID}`).toString('base64url')],
    ['a bad id', Buffer.from('2026-11-26T10:20:30.123Z|1 or 1=1').toString('base64url')],
    ['no id', Buffer.from('2026-11-26T10:20:30.123Z').toString('base64url')],
  ])('refuses %s with a 400 naming the cursor field', (_what, cursor) => {
    let thrown: unknown;
    try {
      decodeCursor(cursor);
    } catch (err) {
      thrown = err;
    }
    expect(new AllExceptionsFilter().toBody(thrown)).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'cursor: not a cursor returned by this API',
      details: [{ field: 'cursor', problems: ['invalid cursor'] }],
    });
  });
});

describe('toPage', () => {
  const rows = Array.from({ length: 4 }, (_, i) => ({
    id: `${ID.slice(0, -1)}${i}`,
    created_at: new Date(Date.UTC(2026, 10, 26, 0, 0, 10 - i)),
  }));

  it('returns limit items and the cursor of the last one when limit+1 rows came back', () => {
    const page = toPage(rows, 3, (r) => r.id);
    expect(page.items).toEqual(rows.slice(0, 3).map((r) => r.id));
    expect(decodeCursor(page.nextCursor!)).toEqual({ at: rows[2]!.created_at, id: rows[2]!.id });
  });

  it('has no next cursor on the last page', () => {
    expect(toPage(rows, 4, (r) => r.id).nextCursor).toBeNull();
    expect(toPage([], 10, (r) => r)).toEqual({ items: [], nextCursor: null });
  });
});

describe('keysetPage', () => {
  // Compiles only: the SQL is what the (…, created_at, id) list indexes serve.
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const base = () => db.selectFrom('ves').select('id').where('customer_id', '=', ID);
  const at = new Date('2026-11-26T10:20:30.123Z');

  it('asks for the first page in ascending order, one row more than the limit', () => {
    const q = keysetPage(base(), { limit: 10 }).compile();
    expect(q.sql).toBe(
      'select "id" from "ves" where "customer_id" = $1 order by "created_at" asc, "id" asc limit $2',
    );
    expect(q.parameters).toEqual([ID, 11]);
  });

  it('continues after the cursor row in ascending order', () => {
    const q = keysetPage(base(), { after: { at, id: ID }, limit: 2 }).compile();
    expect(q.sql).toBe(
      'select "id" from "ves" where "customer_id" = $1 and (created_at, id) > ($2, $3)' +
        ' order by "created_at" asc, "id" asc limit $4',
    );
    expect(q.parameters).toEqual([ID, at, ID, 3]);
  });

  it('continues before the cursor row, newest first, in descending order', () => {
    const q = keysetPage(base(), { after: { at, id: ID }, limit: 2 }, 'desc').compile();
    expect(q.sql).toBe(
      'select "id" from "ves" where "customer_id" = $1 and (created_at, id) < ($2, $3)' +
        ' order by "created_at" desc, "id" desc limit $4',
    );
  });
});

describe('PageQueryDto', () => {
  const check = (query: Record<string, string>) => {
    const dto = plainToInstance(PageQueryDto, query);
    return { dto, errors: validateSync(dto).map((e) => e.property) };
  };

  it('defaults limit to 50 and converts the query string', () => {
    expect(check({}).dto.limit).toBe(50);
    expect(check({ limit: '200' })).toMatchObject({ dto: { limit: 200 }, errors: [] });
  });

  it.each(['0', '201', '1.5', 'ten'])('refuses limit=%s', (limit) => {
    expect(check({ limit }).errors).toEqual(['limit']);
  });

  it('refuses an oversized cursor before decoding it', () => {
    expect(check({ cursor: 'x'.repeat(201) }).errors).toEqual(['cursor']);
  });
});
