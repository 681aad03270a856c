import { Injectable, Logger } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { isUUID, validate } from 'class-validator';
import { ValidationFailedError } from '../common/domain-errors';
import { AllExceptionsFilter } from '../common/http-exception.filter';
import { BatchItemDto, BatchResultDto, BatchVesDto } from './dto/batch.dto';
import { CreateVeDto } from './dto/ve.dto';
import { VeLifecycleService } from './ve-lifecycle.service';
import type { Ve } from './ves.types';

const errors = new AllExceptionsFilter();

/** Hires or creates many VEs; each item succeeds or fails on its own (per-item status and error). */
@Injectable()
export class VeBatchService {
  private readonly logger = new Logger(VeBatchService.name);

  constructor(private readonly lifecycle: VeLifecycleService) {}

  async run(customerId: string, dto: BatchVesDto): Promise<BatchResultDto> {
    if ((dto.templateIds === undefined) === (dto.ves === undefined)) {
      const problem = 'send exactly one of templateIds or ves';
      throw new ValidationFailedError(`Validation failed: ${problem}`, [
        { field: 'templateIds', problems: [problem] },
        { field: 'ves', problems: [problem] },
      ]);
    }
    const work = dto.templateIds
      ? dto.templateIds.map((id) => () => this.hire(customerId, id))
      : dto.ves!.map((item) => () => this.create(customerId, item));
    const items: BatchItemDto[] = [];
    // One at a time: the items share the customer's org lock, so parallelism would only queue on it.
    for (const [index, step] of work.entries()) {
      try {
        items.push({ index, statusCode: 201, ve: await step() });
      } catch (err) {
        const error = errors.toBody(err);
        if (error.statusCode >= 500)
          this.logger.error({ err, customerId, index }, 'batch item failed');
        items.push({ index, statusCode: error.statusCode, error });
      }
    }
    return { items };
  }

  private hire(customerId: string, templateId: unknown): Promise<Ve> {
    if (typeof templateId !== 'string' || !isUUID(templateId)) {
      throw itemInvalid([{ field: 'templateId', problems: ['templateId must be a UUID'] }]);
    }
    return this.lifecycle.hire(customerId, templateId);
  }

  private async create(customerId: string, item: unknown): Promise<Ve> {
    if (!item || typeof item !== 'object' || Array.isArray(item)) {
      throw itemInvalid([{ field: 've', problems: ['each item of ves must be an object'] }]);
    }
    // The same rules as POST /api/ves (the global pipe's options), applied to this item alone.
    const dto = plainToInstance(CreateVeDto, item);
    const problems = await validate(dto, { whitelist: true, forbidNonWhitelisted: true });
    if (problems.length) {
      throw itemInvalid(
        problems.map((p) => ({
          field: p.property,
          problems: Object.values(p.constraints ?? { invalid: `${p.property} is invalid` }),
        })),
      );
    }
    return this.lifecycle.create(customerId, dto);
  }
}

function itemInvalid(details: { field: string; problems: string[] }[]): ValidationFailedError {
  const message = details.map((d) => `${d.field}: ${d.problems.join(', ')}`).join('; ');
  return new ValidationFailedError(`Validation failed: ${message}`, details);
}
