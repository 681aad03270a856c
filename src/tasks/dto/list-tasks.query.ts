import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUUID } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import type { TaskPriority, TaskStatus } from '../../database/database.types';
import { TASK_TRANSITIONS } from '../task-state-machine';
import { TASK_PRIORITIES } from './create-task.dto';

export const TASK_STATUSES = Object.keys(TASK_TRANSITIONS) as TaskStatus[];

export class ListTasksQuery extends PageQueryDto {
  @ApiPropertyOptional({ enum: TASK_STATUSES })
  @IsOptional()
  @IsIn(TASK_STATUSES)
  status?: TaskStatus;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  veId?: string;

  @ApiPropertyOptional({ enum: TASK_PRIORITIES })
  @IsOptional()
  @IsIn(TASK_PRIORITIES)
  priority?: TaskPriority;
}
