import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsDateString,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { AGENT_STATUS_ALIASES, TASK_UPDATE_STATUSES, WEBHOOK_EVENT_TYPES } from '../webhooks.types';
import type { WebhookEventType } from '../webhooks.types';

const AGENT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const MAX_TOKENS = 1_000_000_000;

export class UsageDto {
  @ApiProperty({ example: 'gpt-4o-mini' }) @IsString() @IsNotEmpty() @MaxLength(200) model!: string;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(MAX_TOKENS) inputTokens!: number;
  @ApiProperty({ minimum: 0 }) @IsInt() @Min(0) @Max(MAX_TOKENS) outputTokens!: number;
  @ApiPropertyOptional({
    description:
      "The agent's id for this usage: the same id is billed once, whichever way it arrives",
  })
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  eventId?: string;
}

export class DelegationDto {
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() toVeId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(AGENT_NAME)
  @MaxLength(63)
  toAgent?: string;
  @ApiProperty() @IsString() @IsNotEmpty() @MaxLength(500) title!: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) description?: string;
}

/**
 * The agent callback body (API.md). snake_case keys (`event_type`, `customer_id`...) are accepted and
 * normalised to these names before validation; which fields are required depends on `eventType`.
 */
export class AgentCallbackDto {
  @ApiProperty({ enum: WEBHOOK_EVENT_TYPES })
  @IsIn(WEBHOOK_EVENT_TYPES)
  eventType!: WebhookEventType;
  @ApiProperty({ format: 'uuid' }) @IsUUID() customerId!: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() taskId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) @IsOptional() @IsUUID() veId?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(AGENT_NAME)
  @MaxLength(63)
  agentName?: string;
  @ApiPropertyOptional({
    description: `task_update: ${TASK_UPDATE_STATUSES.join('|')}; agent_status: ${Object.keys(AGENT_STATUS_ALIASES).join('|')}`,
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  status?: string;
  @ApiPropertyOptional({ description: 'A string, or { text, artifacts? }' })
  @IsOptional()
  result?: unknown;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(20_000) error?: string;
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100_000)
  message?: string;
  @ApiPropertyOptional({ type: DelegationDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => DelegationDto)
  delegation?: DelegationDto;
  @ApiPropertyOptional({ type: UsageDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => UsageDto)
  usage?: UsageDto;
  @ApiPropertyOptional() @IsOptional() @IsObject() metadata?: Record<string, unknown>;
  @ApiPropertyOptional({
    description: 'When it happened at the agent (ISO-8601); alias `timestamp`',
  })
  @IsOptional()
  @IsDateString()
  occurredAt?: string;
}

/** POST /api/webhooks/token-usage (API.md); usage fields may also come nested in `usage`. */
export class TokenUsageDto {
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiPropertyOptional({ format: 'uuid' }) veId?: string;
  @ApiPropertyOptional({ format: 'uuid' }) taskId?: string;
  @ApiPropertyOptional() agentName?: string;
  @ApiProperty() model!: string;
  @ApiProperty({ minimum: 0 }) inputTokens!: number;
  @ApiProperty({ minimum: 0 }) outputTokens!: number;
  @ApiPropertyOptional({
    description: "The agent's usage id (billed once); default: derived from webhook-id",
  })
  eventId?: string;
}

export class WebhookAcceptedDto {
  @ApiProperty() accepted!: boolean;
  @ApiProperty({ description: 'The webhook-id' }) id!: string;
}

export class WebhookDuplicateDto {
  @ApiProperty() duplicate!: boolean;
  @ApiProperty() id!: string;
}
