import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';

export class EventsQueryDto {
  @ApiPropertyOptional({
    description:
      'Resume after this event id (for clients that cannot send the Last-Event-ID header)',
    example: '1764201600000-0',
  })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  lastEventId?: string;
}
