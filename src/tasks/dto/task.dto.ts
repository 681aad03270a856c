import { ApiProperty } from '@nestjs/swagger';
import type { TaskPriority, TaskStatus } from '../../database/database.types';
import type { Task, TaskDetail, TaskEvent, TaskResult } from '../tasks.types';
import { TASK_PRIORITIES } from './create-task.dto';
import { TASK_STATUSES } from './list-tasks.query';

export class TaskResultDto implements TaskResult {
  [key: string]: unknown;
  @ApiProperty({ description: 'The text parts of the agent answer' }) text!: string;
  @ApiProperty({
    type: 'array',
    items: { type: 'object' },
    required: false,
    description: 'A2A artifacts',
  })
  artifacts?: unknown[];
}

export class TaskDto implements Task {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty() title!: string;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty({ enum: TASK_PRIORITIES }) priority!: TaskPriority;
  @ApiProperty({ enum: TASK_STATUSES }) status!: TaskStatus;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) veId!: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'Set on a delegated child task',
  })
  parentTaskId!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) input!: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ type: TaskResultDto, nullable: true }) result!: TaskResult | null;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ description: 'Agent invocations since the task was created or last retried' })
  attempts!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) completedAt!: string | null;
}

export class TaskEventDto implements TaskEvent {
  @ApiProperty() id!: number;
  @ApiProperty({
    example: 'assigned',
    description:
      'created, queued, assigned, in_progress, completed, requeued, delegated, budget_hold, ...',
  })
  type!: string;
  @ApiProperty({ enum: TASK_STATUSES, nullable: true }) fromStatus!: TaskStatus | null;
  @ApiProperty({ enum: TASK_STATUSES, nullable: true }) toStatus!: TaskStatus | null;
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true }) data!: Record<
    string,
    unknown
  > | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class TaskDetailDto extends TaskDto implements TaskDetail {
  @ApiProperty({ type: [TaskEventDto], description: 'The timeline, oldest first' })
  events!: TaskEvent[];
}

export class TaskPageDto {
  @ApiProperty({ type: [TaskDto] }) items!: TaskDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}

export class TaskListDto {
  @ApiProperty({ type: [TaskDto] }) items!: TaskDto[];
}
