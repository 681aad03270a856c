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
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiTenant, CustomerId } from '../auth/auth.decorators';
import { BatchResultDto, BatchVesDto } from './dto/batch.dto';
import { CreateVeDto, UpdateVeDto, VeDto, VePageDto, VeQueryDto } from './dto/ve.dto';
import { VeBatchService } from './ve-batch.service';
import { VeLifecycleService } from './ve-lifecycle.service';
import { VesService } from './ves.service';

@ApiTags('ves')
@ApiTenant()
@Controller('api/ves')
export class VesController {
  constructor(
    private readonly ves: VesService,
    private readonly lifecycle: VeLifecycleService,
    private readonly batch: VeBatchService,
  ) {}

  @Get()
  @ApiOperation({ summary: "The customer's virtual employees" })
  @ApiOkResponse({ type: VePageDto })
  list(@CustomerId() customerId: string, @Query() query: VeQueryDto): Promise<VePageDto> {
    return this.ves.page(customerId, { status: query.status, department: query.department }, query);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One VE' })
  @ApiOkResponse({ type: VeDto })
  @ApiNotFoundResponse()
  get(@CustomerId() customerId: string, @Param('id', ParseUUIDPipe) id: string): Promise<VeDto> {
    return this.ves.get(customerId, id);
  }

  @Post()
  @ApiOperation({ summary: 'Create a custom VE (status deploying; its deployment is queued)' })
  @ApiCreatedResponse({ type: VeDto })
  @ApiNotFoundResponse({ description: 'The manager is not a VE of this customer' })
  @ApiUnprocessableEntityResponse({ description: 'The org chart would be too deep' })
  create(@CustomerId() customerId: string, @Body() dto: CreateVeDto): Promise<VeDto> {
    return this.lifecycle.create(customerId, dto);
  }

  @Post('batch')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Hire from templates or create custom VEs in bulk, with a result per item',
  })
  @ApiAcceptedResponse({ type: BatchResultDto })
  runBatch(@CustomerId() customerId: string, @Body() dto: BatchVesDto): Promise<BatchResultDto> {
    return this.batch.run(customerId, dto);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change a VE; anything but managerId redeploys it (generation + 1)' })
  @ApiOkResponse({ type: VeDto })
  @ApiConflictResponse({ description: 'The new manager would make a cycle' })
  update(
    @CustomerId() customerId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateVeDto,
  ): Promise<VeDto> {
    return this.lifecycle.update(customerId, id, dto);
  }

  @Delete(':id')
  @HttpCode(202)
  @ApiOperation({ summary: 'Fire a VE: stopped now, undeployed by a job; its reports move up' })
  @ApiAcceptedResponse({ type: VeDto })
  remove(@CustomerId() customerId: string, @Param('id', ParseUUIDPipe) id: string): Promise<VeDto> {
    return this.lifecycle.remove(customerId, id);
  }
}
