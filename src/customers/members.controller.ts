import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiTenant, CurrentCaller, ManagersOnly } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { PageQueryDto } from '../common/pagination';
import { assertCustomerAccess } from './customer-access';
import { AddMemberDto, MemberDto, MemberPageDto } from './dto/member.dto';
import { MembersService } from './members.service';

@ApiTags('customers')
@ApiTenant()
@ManagersOnly()
@Controller('api/customers/:id/members')
export class MembersController {
  constructor(private readonly members: MembersService) {}

  @Post()
  @ApiOperation({ summary: 'Add a Supabase user to the customer with a role' })
  @ApiCreatedResponse({ type: MemberDto })
  add(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: AddMemberDto,
    @CurrentCaller() caller: Caller,
  ): Promise<MemberDto> {
    assertCustomerAccess(caller, id);
    return this.members.add(id, dto, caller);
  }

  @Get()
  @ApiOperation({ summary: "The customer's members" })
  @ApiOkResponse({ type: MemberPageDto })
  list(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<MemberPageDto> {
    assertCustomerAccess(caller, id);
    return this.members.list(id, query);
  }

  @Delete(':userId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Remove a member' })
  @ApiNoContentResponse()
  async remove(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    assertCustomerAccess(caller, id);
    await this.members.remove(id, userId, caller);
  }
}
