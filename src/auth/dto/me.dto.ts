import { ApiProperty } from '@nestjs/swagger';

export class MeDto {
  @ApiProperty({ enum: ['operator', 'apiKey', 'user'] }) kind!: 'operator' | 'apiKey' | 'user';
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) customerId!: string | null;
  @ApiProperty({ enum: ['operator', 'service', 'owner', 'admin', 'member'] }) role!: string;
  @ApiProperty({ type: String, nullable: true }) userId!: string | null;
}
