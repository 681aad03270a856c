import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsOptional } from 'class-validator';
import { CreateVeDto, VeDto } from './ve.dto';

export const BATCH_MAX = 50;

/**
 * Exactly one of the two lists. Items are validated one by one by the service, so a bad item
 * fails alone with its own 400 instead of failing the batch.
 */
export class BatchVesDto {
  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: `Templates to hire from (≤ ${BATCH_MAX})`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BATCH_MAX)
  templateIds?: unknown[];

  @ApiPropertyOptional({
    type: [CreateVeDto],
    description: `Custom VEs to create (≤ ${BATCH_MAX})`,
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(BATCH_MAX)
  ves?: unknown[];
}

export class BatchItemErrorDto {
  @ApiProperty() statusCode!: number;
  @ApiProperty() error!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ type: 'array', items: { type: 'object' } }) details?: unknown[];
}

export class BatchItemDto {
  @ApiProperty({ description: 'Position of the item in the request' }) index!: number;
  @ApiProperty({ example: 201, description: '201 when the VE was created, else the error status' })
  statusCode!: number;
  @ApiPropertyOptional({ type: VeDto }) ve?: VeDto;
  @ApiPropertyOptional({ type: BatchItemErrorDto }) error?: BatchItemErrorDto;
}

export class BatchResultDto {
  @ApiProperty({ type: [BatchItemDto] }) items!: BatchItemDto[];
}
