import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import { ApiBody, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiTenant, CustomerId } from '../auth/auth.decorators';
import type { Page } from '../common/pagination';
import { TraceContext } from '../common/trace';
import { BulkCreateTasksDto, CreateTaskDto } from './dto/create-task.dto';
import { ListTasksQuery } from './dto/list-tasks.query';
import { TaskDetailDto, TaskDto, TaskListDto, TaskPageDto } from './dto/task.dto';
import { TasksService } from './tasks.service';
import type { Task, TaskDetail } from './tasks.types';

@ApiTags('tasks')
@ApiTenant()
@Controller('api/tasks')
export class TasksController {
  constructor(private readonly tasks: TasksService) {}

  @Post()
  @ApiOperation({
    summary: 'Create a task: stored, queued by priority, routed to a VE and run over A2A',
    description:
      'With an idempotencyKey already used by this customer, the task created first is returned with 200 ' +
      '(and `idempotent-replayed: true`) instead of 201; nothing new is created. 402 when a hard-stop budget is exhausted.',
  })
  @ApiCreatedResponse({ type: TaskDto, description: 'Created' })
  @ApiOkResponse({ type: TaskDto, description: 'The task created first with this idempotencyKey' })
  async create(
    @CustomerId() customerId: string,
    @Body() body: CreateTaskDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { task, created } = await this.tasks.create(customerId, body, TraceContext.current());
    // The status depends on the outcome, so this handler answers itself (Nest would force 201).
    if (!created) void reply.header('idempotent-replayed', 'true');
    await reply.status(created ? 201 : 200).send(task);
  }

  @Post('bulk')
  @HttpCode(201)
  @ApiOperation({
    summary:
      'Create up to 1000 tasks in one request: all are validated first (every bad field named), or none is created',
  })
  @ApiBody({ type: BulkCreateTasksDto })
  @ApiCreatedResponse({ type: TaskListDto })
  async bulk(
    @CustomerId() customerId: string,
    @Body() body: BulkCreateTasksDto,
  ): Promise<{ items: Task[] }> {
    return { items: await this.tasks.createMany(customerId, body.tasks, TraceContext.current()) };
  }

  @Get()
  @ApiOperation({
    summary: 'Tasks, newest first (keyset paged), filtered by status, VE and priority',
  })
  @ApiOkResponse({ type: TaskPageDto })
  list(@CustomerId() customerId: string, @Query() query: ListTasksQuery): Promise<Page<Task>> {
    return this.tasks.list(customerId, query);
  }

  @Get(':id')
  @ApiOperation({
    summary: 'A task with its result and timeline (every transition, delegation, hold...)',
  })
  @ApiOkResponse({ type: TaskDetailDto })
  get(
    @CustomerId() customerId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<TaskDetail> {
    return this.tasks.getWithEvents(customerId, id);
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Cancel a task: a waiting job is removed, a running one aborted; 409 for a completed or failed task',
  })
  @ApiOkResponse({ type: TaskDto })
  cancel(
    @CustomerId() customerId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<Task> {
    return this.tasks.cancel(customerId, id);
  }

  @Post(':id/retry')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Run a failed or cancelled task again (attempts start over); 409 otherwise',
  })
  @ApiOkResponse({ type: TaskDto })
  retry(
    @CustomerId() customerId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<Task> {
    return this.tasks.retry(customerId, id);
  }
}
