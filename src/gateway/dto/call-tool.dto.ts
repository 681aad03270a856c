import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsObject, IsOptional, IsString, MaxLength } from 'class-validator';

export class CallToolDto {
  @ApiProperty({
    example: 'web-search/search',
    description: 'A tool of the VE: "server/tool", or "<url>#tool"',
  })
  @IsString()
  @IsNotEmpty()
  @MaxLength(2_000)
  tool!: string;

  @ApiPropertyOptional({ type: Object, example: { query: 'kagent' } })
  @IsOptional()
  @IsObject()
  arguments?: Record<string, unknown>;
}
