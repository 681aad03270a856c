import { ApiProperty } from '@nestjs/swagger';
import { IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { Trim } from './customer.dto';

export class CreateApiKeyDto {
  @ApiProperty({ example: 'ci-pipeline', maxLength: 100 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  name!: string;
}

export class ApiKeyDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({
    description: 'The first characters of the key, to recognise it',
    example: 'vek_AbCdEfGh',
  })
  prefix!: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) lastUsedAt!: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) revokedAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

/** The only response that ever contains the key: it is stored hashed. */
export class ApiKeyCreatedDto {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'vek_AbCdEfGh...', description: 'Shown once; store it now' })
  key!: string;
  @ApiProperty() prefix!: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class ApiKeyPageDto {
  @ApiProperty({ type: [ApiKeyDto] }) items!: ApiKeyDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor!: string | null;
}
