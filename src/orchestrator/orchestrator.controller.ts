import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiTenant, CustomerId } from '../auth/auth.decorators';
import { TasksService } from '../tasks/tasks.service';
import { OrchestratorStatusDto, RouteDecisionDto, RouteWorkDto } from './dto/route.dto';
import { OrchestratorService } from './orchestrator.service';

@ApiTags('orchestrator')
@ApiTenant()
@Controller('api/orchestrator')
export class OrchestratorController {
  constructor(
    private readonly orchestrator: OrchestratorService,
    private readonly tasks: TasksService,
  ) {}

  @Post('route')
  @HttpCode(200)
  @ApiOperation({ summary: 'Which VE would take this work (no task is created)' })
  @ApiOkResponse({ type: RouteDecisionDto })
  @ApiUnprocessableEntityResponse({ description: 'The customer has no VE that can take work' })
  route(@CustomerId() customerId: string, @Body() body: RouteWorkDto): Promise<RouteDecisionDto> {
    return this.orchestrator.route(customerId, {
      title: body.title,
      description: body.description ?? null,
    });
  }

  @Get('status')
  @ApiOperation({ summary: "The caller's orchestrator agent (reachable?) and how much work waits" })
  @ApiOkResponse({ type: OrchestratorStatusDto })
  async status(@CustomerId() customerId: string): Promise<OrchestratorStatusDto> {
    const [status, tasks] = await Promise.all([
      this.orchestrator.status(customerId),
      this.tasks.countByStatus(customerId),
    ]);
    return { ...status, tasks: tasks as Record<string, number> };
  }
}
