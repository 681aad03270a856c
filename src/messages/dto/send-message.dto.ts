import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsNotEmpty, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';

export class SendMessageDto {
  @ApiProperty({ format: 'uuid', description: 'The VE to talk to' })
  @IsUUID()
  veId!: string;

  @ApiProperty({ maxLength: 20000 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(20_000)
  content!: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'The task the message is about: its A2A context',
  })
  @IsOptional()
  @IsUUID()
  taskId?: string;
}
