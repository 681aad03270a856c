import {
  Body,
  Controller,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiTenant, CustomerId } from '../auth/auth.decorators';
import type { Page } from '../common/pagination';
import { ListMessagesQuery } from './dto/list-messages.query';
import { MessageDto, MessagePageDto } from './dto/message.dto';
import { SendMessageDto } from './dto/send-message.dto';
import { MessagesService } from './messages.service';
import type { Message } from './messages.types';

@ApiTags('messages')
@ApiTenant()
@Controller('api/messages')
export class MessagesController {
  constructor(private readonly messages: MessagesService) {}

  @Get()
  @ApiOperation({ summary: 'Messages with VEs, newest first (keyset paged)' })
  @ApiOkResponse({ type: MessagePageDto })
  list(@CustomerId() customerId: string, @Query() q: ListMessagesQuery): Promise<Page<Message>> {
    return this.messages.list(customerId, { veId: q.veId, taskId: q.taskId }, q.limit, q.cursor);
  }

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Send a message to a VE; a job delivers it over A2A and stores the reply',
  })
  @ApiCreatedResponse({ type: MessageDto })
  send(@CustomerId() customerId: string, @Body() body: SendMessageDto): Promise<Message> {
    return this.messages.send(customerId, body);
  }

  @Patch(':id/read')
  @ApiOperation({ summary: 'Mark a message read (the first read time is kept)' })
  @ApiOkResponse({ type: MessageDto })
  markRead(
    @CustomerId() customerId: string,
    @Param('id', new ParseUUIDPipe()) id: string,
  ): Promise<Message> {
    return this.messages.markRead(customerId, id);
  }
}
