import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNumber, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { PageQueryDto } from '../../common/pagination';
import { DNS_LABEL } from '../../customers/dns-label';
import {
  DEPARTMENT,
  DepartmentField,
  ModelField,
  NameField,
  RoleField,
  SKILL_ID,
  SkillsField,
  SystemPromptField,
  ToolsField,
} from './agent-fields';

export class CreateTemplateDto {
  @ApiPropertyOptional({
    example: 'content-marketer',
    description: 'Unique; derived from the name when absent',
  })
  @IsOptional()
  @IsString()
  @MaxLength(63)
  @Matches(DNS_LABEL, { message: 'slug must be a DNS-1123 label' })
  slug?: string;

  @NameField() name!: string;
  @RoleField() role!: string;
  @DepartmentField() department!: string;

  @ApiProperty({ example: 'Plans and writes blog posts in the brand voice.', maxLength: 2000 })
  @IsString()
  @MaxLength(2000)
  description!: string;

  @SystemPromptField() systemPrompt!: string;
  @SkillsField() skills!: string[];
  @ToolsField() tools!: string[];
  @ModelField() model!: string;

  @ApiProperty({ example: 149, minimum: 0, maximum: 1_000_000, description: 'USD per month' })
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000)
  monthlyPrice!: number;
}

export class UpdateTemplateDto {
  @NameField(true) name?: string;
  @RoleField(true) role?: string;
  @DepartmentField(true) department?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string;

  @SystemPromptField(true) systemPrompt?: string;
  @SkillsField(true) skills?: string[];
  @ToolsField(true) tools?: string[];
  @ModelField(true) model?: string;

  @ApiPropertyOptional({ minimum: 0, maximum: 1_000_000 })
  @IsOptional()
  @IsNumber({ maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1_000_000)
  monthlyPrice?: number;
}

export class TemplateQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'marketing' })
  @IsOptional()
  @Matches(DEPARTMENT, { message: 'department must be lowercase kebab-case' })
  @MaxLength(40)
  department?: string;

  @ApiPropertyOptional({ example: 'copywriting', description: 'Templates that have this skill' })
  @IsOptional()
  @Matches(SKILL_ID, { message: 'skill must be a kebab-case id' })
  @MaxLength(64)
  skill?: string;

  @ApiPropertyOptional({
    example: 'blog writer',
    description:
      'Full-text search over name, role and description (web-search syntax: "quotes", -exclude, or)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class TemplateDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ example: 'content-marketer' }) slug!: string;
  @ApiProperty() name!: string;
  @ApiProperty() role!: string;
  @ApiProperty() department!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ type: [String] }) skills!: string[];
  @ApiProperty() model!: string;
  @ApiProperty({ type: [String], description: 'MCP tools, "server/tool"' }) tools!: string[];
  @ApiProperty({ example: 149 }) monthlyPrice!: number;
  @ApiProperty({ description: 'The instructions a VE hired from this template starts with' })
  systemPrompt!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class TemplatePageDto {
  @ApiProperty({ type: [TemplateDto] }) items!: TemplateDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
