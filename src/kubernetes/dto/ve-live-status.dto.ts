import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { K8S_MODES } from '../../config/env.schema';

export class VeConditionDto {
  @ApiProperty({ enum: ['Agent', 'Deployment'] }) source!: 'Agent' | 'Deployment';
  @ApiProperty({ example: 'Ready' }) type!: string;
  @ApiProperty({ example: 'True' }) status!: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional() message?: string;
  @ApiPropertyOptional({ format: 'date-time' }) lastTransitionTime?: string;
}

export class AgentReplicasDto {
  @ApiProperty() replicas!: number;
  @ApiProperty() readyReplicas!: number;
  @ApiProperty() availableReplicas!: number;
}

export class VeLiveStatusDto {
  @ApiProperty({ format: 'uuid' }) veId!: string;
  @ApiProperty() agentName!: string;
  @ApiProperty() namespace!: string;
  @ApiProperty({ enum: K8S_MODES, description: 'K8S_MODE the platform runs in' }) mode!: string;
  @ApiProperty({
    description:
      'true: read from Kubernetes now; false: the stored status (dry-run, off, API unreachable)',
  })
  live!: boolean;
  @ApiProperty({ enum: ['deploying', 'ready', 'degraded', 'failed', 'stopped'] }) status!: string;
  @ApiProperty({ type: String, nullable: true }) reason!: string | null;
  @ApiProperty({ type: [VeConditionDto] }) conditions!: unknown[];
  @ApiProperty({ type: Number, nullable: true, description: "The Agent's metadata.generation" })
  generation!: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The generation kagent last reconciled',
  })
  observedGeneration!: number | null;
  @ApiProperty({ type: AgentReplicasDto, nullable: true }) deployment!: AgentReplicasDto | null;
  @ApiProperty({ format: 'date-time' }) checkedAt!: string;
  @ApiPropertyOptional({ description: 'Why the answer is not live (Kubernetes API error)' })
  error?: string;
}
