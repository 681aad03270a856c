import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsUrl, IsUUID, Matches, MaxLength, ValidateIf } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import {
  DEPARTMENT,
  DepartmentField,
  ModelField,
  NameField,
  RoleField,
  SkillsField,
  SystemPromptField,
  ToolsField,
} from '../../marketplace/dto/agent-fields';

export const VE_STATUSES = ['deploying', 'ready', 'degraded', 'failed', 'stopped'] as const;

const AGENT_URL_OPTIONS = {
  protocols: ['http', 'https'],
  require_protocol: true,
  require_tld: false,
};
const AGENT_URL_MESSAGE = 'agentUrl must be an http(s) URL of an A2A agent';

export class CreateVeDto {
  @NameField(false, 'Ava (content)') name!: string;
  @RoleField() role!: string;
  @SystemPromptField() systemPrompt!: string;
  @ModelField() model!: string;
  @SkillsField() skills!: string[];
  @ToolsField() tools!: string[];
  @DepartmentField(true) department?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The VE this one reports to',
  })
  @IsOptional()
  @IsUUID()
  managerId?: string | null;

  @ApiPropertyOptional({
    example: 'https://agents.acme.test/a2a/support/',
    description:
      "The customer's own A2A agent; when absent the VE runs as a kagent Agent behind the gateway",
    maxLength: 2048,
  })
  @IsOptional()
  @IsUrl(AGENT_URL_OPTIONS, { message: AGENT_URL_MESSAGE })
  @MaxLength(2048)
  agentUrl?: string;
}

/** Every field optional; `managerId: null` and `agentUrl: null` clear them. Any field but managerId redeploys. */
export class UpdateVeDto {
  @NameField(true) name?: string;
  @RoleField(true) role?: string;
  @SystemPromptField(true) systemPrompt?: string;
  @ModelField(true) model?: string;
  @SkillsField(true) skills?: string[];
  @ToolsField(true) tools?: string[];
  @DepartmentField(true) department?: string;

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @IsOptional()
  @IsUUID()
  managerId?: string | null;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 2048 })
  @ValidateIf((_, v) => v !== null && v !== undefined)
  @IsUrl(AGENT_URL_OPTIONS, { message: AGENT_URL_MESSAGE })
  @MaxLength(2048)
  agentUrl?: string | null;
}

export class VeQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: VE_STATUSES })
  @IsOptional()
  @IsIn(VE_STATUSES)
  status?: (typeof VE_STATUSES)[number];

  @ApiPropertyOptional({ example: 'marketing' })
  @IsOptional()
  @Matches(DEPARTMENT, { message: 'department must be lowercase kebab-case' })
  @MaxLength(40)
  department?: string;
}

export class HireDto {
  @NameField(true, 'Ava') name?: string;

  @ApiPropertyOptional({
    type: String,
    format: 'uuid',
    nullable: true,
    description: 'The VE the new hire reports to',
  })
  @IsOptional()
  @IsUUID()
  managerId?: string | null;
}

export class VeDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) templateId!: string | null;
  @ApiProperty() name!: string;
  @ApiProperty() role!: string;
  @ApiProperty() department!: string;
  @ApiProperty({
    description: 'DNS-1123 label, unique among the customer’s live VEs',
    example: 'content-marketer',
  })
  agentName!: string;
  @ApiProperty({ example: 'customer-acme' }) namespace!: string;
  @ApiProperty() model!: string;
  @ApiProperty({ type: [String] }) skills!: string[];
  @ApiProperty({ type: [String] }) tools!: string[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) managerId!: string | null;
  @ApiProperty({ enum: VE_STATUSES }) status!: (typeof VE_STATUSES)[number];
  @ApiProperty({ type: String, nullable: true }) statusReason!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
  @ApiProperty() systemPrompt!: string;
  @ApiProperty({ type: String, nullable: true }) agentUrl!: string | null;
  @ApiProperty({ description: 'Bumped by every change that redeploys' }) generation!: number;
}

export class VePageDto {
  @ApiProperty({ type: [VeDto] }) items!: VeDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
