import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { ApiTenant, CurrentCaller, OperatorOnly } from '../auth/auth.decorators';
import type { Caller } from '../auth/caller';
import { PageQueryDto } from '../common/pagination';
import { assertCustomerAccess } from './customer-access';
import { CustomersService } from './customers.service';
import {
  CreateCustomerDto,
  CustomerDto,
  CustomerPageDto,
  UpdateCustomerDto,
} from './dto/customer.dto';

@ApiTags('customers')
@ApiTenant()
@Controller('api/customers')
export class CustomersController {
  constructor(private readonly customers: CustomersService) {}

  @Post()
  @OperatorOnly()
  @ApiOperation({ summary: 'Create a customer and queue its namespace' })
  @ApiCreatedResponse({ type: CustomerDto })
  @ApiConflictResponse({ description: 'The slug is taken' })
  create(@Body() dto: CreateCustomerDto): Promise<CustomerDto> {
    return this.customers.create(dto);
  }

  @Get()
  @ApiOperation({ summary: 'Customers: all of them for operators, its own for anyone else' })
  @ApiOkResponse({ type: CustomerPageDto })
  list(@Query() query: PageQueryDto, @CurrentCaller() caller: Caller): Promise<CustomerPageDto> {
    const onlyId = caller.kind === 'operator' ? undefined : (caller.customerId ?? undefined);
    return this.customers.list(query, onlyId);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One customer (operators; a customer may read its own)' })
  @ApiOkResponse({ type: CustomerDto })
  @ApiNotFoundResponse()
  get(
    @Param('id', ParseUUIDPipe) id: string,
    @CurrentCaller() caller: Caller,
  ): Promise<CustomerDto> {
    assertCustomerAccess(caller, id);
    return this.customers.view(id);
  }

  @Patch(':id')
  @OperatorOnly()
  @ApiOperation({ summary: 'Rename a customer or change its plan' })
  @ApiOkResponse({ type: CustomerDto })
  update(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateCustomerDto,
  ): Promise<CustomerDto> {
    return this.customers.update(id, dto);
  }

  @Delete(':id')
  @OperatorOnly()
  @HttpCode(202)
  @ApiOperation({ summary: 'Delete a customer: status deleting now, namespace torn down by a job' })
  @ApiAcceptedResponse({ type: CustomerDto })
  remove(@Param('id', ParseUUIDPipe) id: string): Promise<CustomerDto> {
    return this.customers.remove(id);
  }
}
