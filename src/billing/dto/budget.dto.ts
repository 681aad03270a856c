import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import { BUDGET_STATES, BudgetState, BudgetView } from '../billing.types';
import { IsUsdAmount } from './usd-amount.validator';

export class PutBudgetDto {
  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    example: 500,
    description:
      'Monthly limit in USD (UTC months): a number or decimal string, at most 6 decimals, ≥ 0',
  })
  @IsUsdAmount()
  monthlyLimitUsd!: number | string;

  @ApiPropertyOptional({
    default: false,
    description: 'At the limit, refuse new tasks (402) and hold queued ones',
  })
  @IsOptional()
  @IsBoolean()
  hardStop?: boolean;
}

export class BudgetStandingDto {
  @ApiProperty({
    type: String,
    nullable: true,
    example: '500.000000',
    description: 'null: no budget set',
  })
  monthlyLimitUsd!: string | null;
  @ApiProperty() hardStop!: boolean;
  @ApiProperty({ example: '412.500000' }) spentUsd!: string;
  @ApiProperty({ type: Number, nullable: true, example: 82.5 }) percentUsed!: number | null;
  @ApiProperty({
    enum: BUDGET_STATES,
    description: 'warning from 80%, exceeded from 100%, none without a budget',
  })
  state!: BudgetState;
}

export class BudgetViewDto extends BudgetStandingDto implements BudgetView {
  @ApiProperty({ example: '2026-11', description: 'The UTC month the spend is counted for' })
  period!: string;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) updatedAt!: string | null;
}
