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
import { ApiKeysService } from './api-keys.service';
import { assertCustomerAccess } from './customer-access';
import { ApiKeyCreatedDto, ApiKeyPageDto, CreateApiKeyDto } from './dto/api-key.dto';

@ApiTags('customers')
@ApiTenant()
@ManagersOnly()
@Controller('api/customers/:id/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiOperation({ summary: 'Create an API key; the key is in this response only' })
  @ApiCreatedResponse({ type: ApiKeyCreatedDto })
  create(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateApiKeyDto,
    @CurrentCaller() caller: Caller,
  ): Promise<ApiKeyCreatedDto> {
    assertCustomerAccess(caller, id);
    return this.keys.create(id, dto.name);
  }

  @Get()
  @ApiOperation({ summary: "The customer's API keys (never the keys themselves)" })
  @ApiOkResponse({ type: ApiKeyPageDto })
  list(
    @Param('id', ParseUUIDPipe) id: string,
    @Query() query: PageQueryDto,
    @CurrentCaller() caller: Caller,
  ): Promise<ApiKeyPageDto> {
    assertCustomerAccess(caller, id);
    return this.keys.list(id, query);
  }

  @Delete(':keyId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key (effective immediately)' })
  @ApiNoContentResponse()
  async revoke(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('keyId', ParseUUIDPipe) keyId: string,
    @CurrentCaller() caller: Caller,
  ): Promise<void> {
    assertCustomerAccess(caller, id);
    await this.keys.revoke(id, keyId);
  }
}
