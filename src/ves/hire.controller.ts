import { Body, Controller, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiTenant, CustomerId } from '../auth/auth.decorators';
import { HireDto, VeDto } from './dto/ve.dto';
import { VeLifecycleService } from './ve-lifecycle.service';

/** Hiring from the marketplace: served under the marketplace's path, but it creates a VE, so it lives here. */
@ApiTags('marketplace')
@ApiTenant()
@Controller('api/marketplace/templates')
export class HireController {
  constructor(private readonly lifecycle: VeLifecycleService) {}

  @Post(':id/hire')
  @ApiOperation({
    summary: 'Hire a VE from a template (status deploying; its deployment is queued)',
  })
  @ApiCreatedResponse({ type: VeDto })
  @ApiNotFoundResponse({
    description: 'No such template, or the manager is not a VE of this customer',
  })
  hire(
    @CustomerId() customerId: string,
    @Param('id', ParseUUIDPipe) templateId: string,
    @Body() dto: HireDto,
  ): Promise<VeDto> {
    return this.lifecycle.hire(customerId, templateId, dto);
  }
}
