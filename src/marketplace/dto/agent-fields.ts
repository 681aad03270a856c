import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
} from 'class-validator';
import { Trim } from '../../customers/dto/customer.dto';

/** What describes an agent, shared by templates and VEs: one set of rules for both. */
export const SKILL_ID = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** An MCP tool reference `server/tool`: the server is a Kubernetes name, the tool an MCP tool name. */
export const TOOL_REF = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?\/[A-Za-z0-9_.-]{1,128}$/;
export const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._:/@-]{0,99}$/;
export const DEPARTMENT = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const SYSTEM_PROMPT_MAX = 20_000;

const opt = (optional: boolean) => (optional ? [IsOptional()] : []);

export const NameField = (optional = false, example = 'Content Marketer') =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({ example, maxLength: 100 }),
    ...opt(optional),
    Trim(),
    IsString(),
    IsNotEmpty(),
    MaxLength(100),
  );

export const RoleField = (optional = false) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({ example: 'content-marketer', maxLength: 100 }),
    ...opt(optional),
    Trim(),
    IsString(),
    IsNotEmpty(),
    MaxLength(100),
  );

export const DepartmentField = (optional = false) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({
      example: 'marketing',
      pattern: DEPARTMENT.source,
      maxLength: 40,
    }),
    ...opt(optional),
    IsString(),
    MaxLength(40),
    Matches(DEPARTMENT, {
      message: 'department must be lowercase kebab-case (e.g. "marketing", "customer-success")',
    }),
  );

export const SystemPromptField = (optional = false) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({
      example: 'You are a senior content marketer...',
      maxLength: SYSTEM_PROMPT_MAX,
    }),
    ...opt(optional),
    IsString(),
    IsNotEmpty(),
    MaxLength(SYSTEM_PROMPT_MAX),
  );

export const ModelField = (optional = false) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({
      example: 'gpt-4o-mini',
      pattern: MODEL_ID.source,
    }),
    ...opt(optional),
    IsString(),
    Matches(MODEL_ID, {
      message: 'model must be a model id such as "gpt-4o-mini" or "claude-sonnet-4-5"',
    }),
  );

export const SkillsField = (optional = false) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({
      type: [String],
      example: ['copywriting', 'seo'],
      description: 'kebab-case skill ids (≤ 50)',
    }),
    ...opt(optional),
    IsArray(),
    ArrayMaxSize(50),
    ArrayUnique(),
    IsString({ each: true }),
    MaxLength(64, { each: true }),
    Matches(SKILL_ID, {
      each: true,
      message: 'each skill must be a kebab-case id (e.g. "lead-qualification")',
    }),
  );

export const ToolsField = (optional = false) =>
  applyDecorators(
    (optional ? ApiPropertyOptional : ApiProperty)({
      type: [String],
      example: ['github/create_issue', 'slack/post_message'],
      description: 'MCP tools as "server/tool" references (≤ 100)',
    }),
    ...opt(optional),
    IsArray(),
    ArrayMaxSize(100),
    ArrayUnique(),
    IsString({ each: true }),
    Matches(TOOL_REF, {
      each: true,
      message: 'each tool must be an MCP reference "server/tool" (e.g. "github/create_issue")',
    }),
  );
