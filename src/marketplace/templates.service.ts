import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { ConflictError, NotFoundError } from '../common/domain-errors';
import { decodeCursor, Page, toPage } from '../common/pagination';
import { isUniqueViolation } from '../customers/customers.service';
import { DNS_LABEL_MAX, toDnsLabel } from '../customers/dns-label';
import type { VeTemplateRow } from '../database/database.types';
import { RedisCache } from '../redis/redis-cache';
import type {
  CreateTemplateDto,
  TemplateDto,
  TemplateQueryDto,
  UpdateTemplateDto,
} from './dto/template.dto';
import { TemplatesRepository } from './templates.repository';

const CACHE = 'templates';
/** The catalogue changes rarely; every change invalidates it at once, the TTL only bounds a missed invalidation. */
const CACHE_TTL_SECONDS = 300;

/** The marketplace catalogue: read by everyone (cached in Redis), edited by operators. */
@Injectable()
export class TemplatesService {
  constructor(
    private readonly repo: TemplatesRepository,
    private readonly cache: RedisCache,
  ) {}

  list(query: TemplateQueryDto): Promise<Page<TemplateDto>> {
    const q = query.q?.trim() || undefined;
    const filter = { department: query.department, skill: query.skill, q };
    const key = createHash('sha256')
      .update(JSON.stringify([filter.department, filter.skill, q, query.limit, query.cursor]))
      .digest('base64url');
    return this.cache.getOrLoad(CACHE, `list:${key}`, CACHE_TTL_SECONDS, async () => {
      const rows = await this.repo.list(filter, {
        after: decodeCursor(query.cursor),
        limit: query.limit,
      });
      return toPage(rows, query.limit, toTemplate);
    });
  }

  /** The template, or NotFoundError. */
  async get(id: string): Promise<TemplateDto> {
    const found = await this.cache.getOrLoad(CACHE, `id:${id}`, CACHE_TTL_SECONDS, async () => {
      const row = await this.repo.findById(id);
      return row ? toTemplate(row) : null;
    });
    if (!found) throw new NotFoundError('Template', id);
    return found;
  }

  async create(dto: CreateTemplateDto): Promise<TemplateDto> {
    const slug = dto.slug ?? toDnsLabel(dto.name, DNS_LABEL_MAX, 'template');
    const row = await this.repo
      .insert({
        slug,
        name: dto.name,
        role: dto.role,
        department: dto.department,
        description: dto.description,
        system_prompt: dto.systemPrompt,
        skills: dto.skills,
        tools: dto.tools,
        model: dto.model,
        monthly_price: dto.monthlyPrice,
      })
      .catch((err: unknown) => {
        if (isUniqueViolation(err)) {
          throw new ConflictError(`Template slug "${slug}" is taken`, [
            { field: 'slug', problems: ['already taken'] },
          ]);
        }
        throw err;
      });
    await this.cache.invalidate(CACHE);
    return toTemplate(row);
  }

  async update(id: string, dto: UpdateTemplateDto): Promise<TemplateDto> {
    const row = await this.repo.update(id, {
      name: dto.name,
      role: dto.role,
      department: dto.department,
      description: dto.description,
      system_prompt: dto.systemPrompt,
      skills: dto.skills,
      tools: dto.tools,
      model: dto.model,
      monthly_price: dto.monthlyPrice,
    });
    if (!row) throw new NotFoundError('Template', id);
    await this.cache.invalidate(CACHE);
    return toTemplate(row);
  }

  async remove(id: string): Promise<void> {
    const removed = await this.repo.remove(id);
    if (!removed) throw new NotFoundError('Template', id);
    await this.cache.invalidate(CACHE);
  }
}

export function toTemplate(row: VeTemplateRow): TemplateDto {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    role: row.role,
    department: row.department,
    description: row.description,
    skills: row.skills,
    model: row.model,
    tools: row.tools,
    monthlyPrice: Number(row.monthly_price),
    systemPrompt: row.system_prompt,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}
