import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  MaxLength,
  ValidateNested,
} from 'class-validator';
import type { TaskPriority } from '../../database/database.types';
import { PRIORITY } from '../../queue/queue.constants';

export const TASK_PRIORITIES = Object.keys(PRIORITY) as TaskPriority[];
/** The most tasks one bulk request may create. */
export const MAX_BULK_TASKS = 1000;

export class CreateTaskDto {
  @ApiProperty({ maxLength: 500, example: 'Draft the Q3 newsletter' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title!: string;

  @ApiPropertyOptional({ maxLength: 20000 })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  description?: string;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES, default: 'medium' })
  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The VE to do it; omitted: the orchestrator routes the task',
  })
  @IsOptional()
  @IsUUID()
  veId?: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'Structured input, sent as an A2A data part',
  })
  @IsOptional()
  @IsObject()
  input?: Record<string, unknown>;

  @ApiPropertyOptional({
    maxLength: 200,
    description:
      'The same key (per customer) returns the task created first, with 200 instead of 201',
  })
  @IsOptional()
  @IsString()
  @Matches(/^[\x21-\x7e]{1,200}$/, {
    message: 'idempotencyKey must be 1-200 printable ASCII characters without spaces',
  })
  idempotencyKey?: string;
}

export class BulkCreateTasksDto {
  @ApiProperty({ type: [CreateTaskDto], minItems: 1, maxItems: MAX_BULK_TASKS })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BULK_TASKS)
  @ValidateNested({ each: true })
  @Type(() => CreateTaskDto)
  tasks!: CreateTaskDto[];
}
