import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { DAY, PERIOD } from '../billing-period';
import {
  USAGE_GROUPS,
  UsageGroup,
  UsageReport,
  UsageRow,
  UsageSummary,
  UsageTotals,
} from '../billing.types';
import { BudgetStandingDto } from './budget.dto';

export class UsageQueryDto {
  @ApiPropertyOptional({
    example: '2026-11-01',
    description: 'First UTC day included; default: the first of this month',
  })
  @IsOptional()
  @Matches(DAY, { message: 'from must be a day YYYY-MM-DD' })
  from?: string;

  @ApiPropertyOptional({
    example: '2026-12-01',
    description: 'First UTC day excluded; default: the first of next month',
  })
  @IsOptional()
  @Matches(DAY, { message: 'to must be a day YYYY-MM-DD' })
  to?: string;

  @ApiPropertyOptional({ enum: USAGE_GROUPS, default: 'day' })
  @IsOptional()
  @IsIn(USAGE_GROUPS)
  groupBy: UsageGroup = 'day';

  @ApiPropertyOptional({ minimum: 1, maximum: 10_000, default: 1_000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  limit: number = 1_000;

  @ApiPropertyOptional({
    description: 'nextCursor of the previous page (CSV: the x-next-cursor header)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(400)
  cursor?: string;

  @ApiPropertyOptional({
    enum: ['json', 'csv'],
    description: 'Overrides the Accept header (for download links)',
  })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';
}

export class SummaryQueryDto {
  @ApiPropertyOptional({ example: '2026-11', description: 'A UTC month; default: the current one' })
  @IsOptional()
  @Matches(PERIOD, { message: 'period must be a month YYYY-MM' })
  period?: string;
}

export class UsageTotalsDto implements UsageTotals {
  @ApiProperty() inputTokens!: number;
  @ApiProperty() outputTokens!: number;
  @ApiProperty({ example: '1.234567', description: 'USD, decimal string with 6 decimals' })
  costUsd!: string;
  @ApiProperty({ description: 'Usage events summed' }) events!: number;
}

export class UsageRowDto extends UsageTotalsDto implements UsageRow {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Day, VE id, model or task id; null = no VE / no task',
  })
  key!: string | null;
}

export class UsageReportDto implements UsageReport {
  @ApiProperty({ enum: USAGE_GROUPS }) groupBy!: UsageGroup;
  @ApiProperty({ example: '2026-11-01' }) from!: string;
  @ApiProperty({ example: '2026-12-01' }) to!: string;
  @ApiProperty({ type: [UsageRowDto] }) rows!: UsageRowDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}

export class VeUsageDto extends UsageTotalsDto {
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) veId!: string | null;
}

export class ModelUsageDto extends UsageTotalsDto {
  @ApiProperty() model!: string;
}

export class UsageSummaryDto implements UsageSummary {
  @ApiProperty({ example: '2026-11' }) period!: string;
  @ApiProperty() totals!: UsageTotalsDto;
  @ApiProperty({ type: [VeUsageDto] }) perVe!: VeUsageDto[];
  @ApiProperty({ type: [ModelUsageDto] }) perModel!: ModelUsageDto[];
  @ApiProperty() budget!: BudgetStandingDto;
}
