import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, MaxLength } from 'class-validator';

export class RouteWorkDto {
  @ApiProperty({ example: 'Plan the spring campaign', maxLength: 500 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(500)
  title!: string;

  @ApiPropertyOptional({ example: 'Budget 10k, focus on SEO', maxLength: 20_000 })
  @IsOptional()
  @IsString()
  @MaxLength(20_000)
  description?: string;
}

export class RouteDecisionDto {
  @ApiProperty() veId!: string;
  @ApiProperty() agentName!: string;
  @ApiProperty({
    description:
      'Why this VE; for rules, what matched; for a fallback, why the agent was not followed',
  })
  reason!: string;
  @ApiProperty({
    enum: ['agent', 'rules'],
    description: "Who decided: the customer's orchestrator agent, or the rule-based router",
  })
  source!: 'agent' | 'rules';
}

export class OrchestratorAgentDto {
  @ApiProperty() veId!: string;
  @ApiProperty() agentName!: string;
  @ApiProperty({ enum: ['deploying', 'ready', 'degraded', 'failed', 'stopped'] }) status!: string;
  @ApiProperty({ description: 'The A2A URL it is reached at' }) url!: string;
  @ApiProperty({ description: 'Whether its agent card could be fetched just now' })
  reachable!: boolean;
  @ApiPropertyOptional() error?: string;
}

export class OrchestratorStatusDto {
  @ApiProperty({
    enum: ['agent', 'rules'],
    description: "'agent' when the customer has an orchestrator VE (rules back it up)",
  })
  mode!: 'agent' | 'rules';
  @ApiProperty({ type: OrchestratorAgentDto, nullable: true })
  orchestrator!: OrchestratorAgentDto | null;
  @ApiProperty({ description: 'VEs, other than the orchestrator, that can take work' })
  routableVes!: number;
  @ApiProperty({
    description: "The caller's tasks by status",
    example: { queued: 3, in_progress: 1, completed: 40 },
  })
  tasks!: Record<string, number>;
  @ApiProperty({
    description: 'The shared tasks queue (all customers), jobs by state',
    example: { waiting: 0, prioritized: 3, active: 1 },
  })
  tasksQueue!: Record<string, number>;
}
