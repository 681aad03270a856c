import { Body, Controller, Get, Param, ParseUUIDPipe, Put } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiTenant, CustomerId } from '../auth/auth.decorators';
import { VeDto } from '../ves/dto/ve.dto';
import { OrgChartDto, SetManagerDto } from './dto/org-chart.dto';
import { OrgChartService } from './org-chart.service';

@ApiTags('org-chart')
@ApiTenant()
@Controller('api/org-chart')
export class OrgChartController {
  constructor(private readonly orgChart: OrgChartService) {}

  @Get()
  @ApiOperation({ summary: "The customer's VEs as a tree of managers and reports" })
  @ApiOkResponse({ type: OrgChartDto })
  tree(@CustomerId() customerId: string): Promise<OrgChartDto> {
    return this.orgChart.tree(customerId);
  }

  @Put(':veId')
  @ApiOperation({ summary: 'Set who a VE reports to (null: nobody)' })
  @ApiOkResponse({ type: VeDto })
  @ApiNotFoundResponse({ description: 'The VE or the manager is not a live VE of this customer' })
  @ApiConflictResponse({ description: 'The change would make a cycle' })
  @ApiUnprocessableEntityResponse({ description: 'The org chart would exceed the depth limit' })
  setManager(
    @CustomerId() customerId: string,
    @Param('veId', ParseUUIDPipe) veId: string,
    @Body() dto: SetManagerDto,
  ): Promise<VeDto> {
    return this.orgChart.setManager(customerId, veId, dto.managerId);
  }
}
