import { ApiProperty } from '@nestjs/swagger';
import type { Message } from '../messages.types';

export class MessageDto implements Message {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) customerId!: string;
  @ApiProperty({ format: 'uuid' }) veId!: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) taskId!: string | null;
  @ApiProperty({ enum: ['to_ve', 'from_ve'] }) direction!: 'to_ve' | 'from_ve';
  @ApiProperty() content!: string;
  @ApiProperty({
    enum: ['stored', 'queued', 'delivered', 'failed'],
    description: 'to_ve: queued → delivered | failed; from_ve: stored',
  })
  status!: Message['status'];
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) readAt!: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class MessagePageDto {
  @ApiProperty({ type: [MessageDto] }) items!: MessageDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor!: string | null;
}
