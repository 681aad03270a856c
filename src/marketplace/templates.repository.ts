import { Inject, Injectable } from '@nestjs/common';
import { Kysely, sql, Updateable } from 'kysely';
import { type Keyset, keysetPage } from '../common/pagination';
import { KYSELY } from '../database/database.constants';
import type { Database, VeTemplateRow, VeTemplatesTable } from '../database/database.types';

export interface TemplateFilter {
  department?: string;
  skill?: string;
  q?: string;
}

export interface NewTemplate {
  slug: string;
  name: string;
  role: string;
  department: string;
  description: string;
  system_prompt: string;
  skills: string[];
  tools: string[];
  model: string;
  monthly_price: number;
}

/** The catalogue is global (not per customer): templates are shared by every customer. */
@Injectable()
export class TemplatesRepository {
  constructor(@Inject(KYSELY) private readonly db: Kysely<Database>) {}

  insert(row: NewTemplate): Promise<VeTemplateRow> {
    return this.db.insertInto('ve_templates').values(row).returningAll().executeTakeFirstOrThrow();
  }

  findById(id: string): Promise<VeTemplateRow | undefined> {
    return this.db.selectFrom('ve_templates').selectAll().where('id', '=', id).executeTakeFirst();
  }

  list(filter: TemplateFilter, opts: { after?: Keyset; limit: number }): Promise<VeTemplateRow[]> {
    let q = this.db.selectFrom('ve_templates').selectAll();
    if (filter.department) q = q.where('department', '=', filter.department);
    // `skills @> array[...]` uses the GIN index on skills.
    if (filter.skill) q = q.where(sql<boolean>`skills @> array[${filter.skill}]::text[]`);
    // websearch_to_tsquery never fails on user syntax; the generated `search` column is GIN-indexed.
    if (filter.q) q = q.where(sql<boolean>`search @@ websearch_to_tsquery('english', ${filter.q})`);
    return keysetPage(q, opts).execute();
  }

  update(id: string, patch: Updateable<VeTemplatesTable>): Promise<VeTemplateRow | undefined> {
    return this.db
      .updateTable('ve_templates')
      .set({ ...patch, updated_at: sql`now()` })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
  }

  /** Hired VEs keep running: their template_id becomes null (on delete set null). */
  async remove(id: string): Promise<boolean> {
    const res = await this.db.deleteFrom('ve_templates').where('id', '=', id).executeTakeFirst();
    return Number(res.numDeletedRows) > 0;
  }
}
