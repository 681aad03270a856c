import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, Matches, MaxLength } from 'class-validator';
import type { PricingItem, PricingList } from '../billing.types';
import { IsUsdAmount } from './usd-amount.validator';

const USD_EXAMPLE = 'A JSON number or a decimal string, at most 6 decimals, ≥ 0';

export class PutPricingDto {
  @ApiProperty({ example: 'openai' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(50)
  @Matches(/^[A-Za-z0-9._-]+$/, { message: 'provider may hold letters, digits and . _ - only' })
  provider!: string;

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    example: 2.5,
    description: `USD per million input tokens. ${USD_EXAMPLE}`,
  })
  @IsUsdAmount()
  inputUsdPerMTok!: number | string;

  @ApiProperty({
    oneOf: [{ type: 'number' }, { type: 'string' }],
    example: '10.00',
    description: `USD per million output tokens. ${USD_EXAMPLE}`,
  })
  @IsUsdAmount()
  outputUsdPerMTok!: number | string;
}

export class PricingItemDto implements PricingItem {
  @ApiProperty({ example: 'gpt-4o' }) model!: string;
  @ApiProperty({ example: 'openai' }) provider!: string;
  @ApiProperty({
    example: '2.500000',
    description: 'USD per million input tokens (decimal string)',
  })
  inputUsdPerMTok!: string;
  @ApiProperty({
    example: '10.000000',
    description: 'USD per million output tokens (decimal string)',
  })
  outputUsdPerMTok!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class PricingListDto implements PricingList {
  @ApiProperty({ type: [PricingItemDto] }) items!: PricingItemDto[];
  @ApiProperty({
    example: 'claude-sonnet-4-5',
    description: 'Unknown models are charged at this price, flagged fallback',
  })
  fallbackModel!: string;
}
