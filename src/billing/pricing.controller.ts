import { Body, Controller, Get, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { OperatorOnly } from '../auth/auth.decorators';
import type { PricingItem, PricingList } from './billing.types';
import { PricingItemDto, PricingListDto, PutPricingDto } from './dto/pricing.dto';
import { parseUsd } from './money';
import { PricingService } from './pricing.service';

@ApiTags('billing')
@ApiBearerAuth()
@ApiSecurity('operator')
@Controller('api/billing/pricing')
export class PricingController {
  constructor(private readonly pricing: PricingService) {}

  @Get()
  @ApiOperation({
    summary: 'Price per model (USD per million tokens) and the fallback model; any caller',
  })
  @ApiOkResponse({ type: PricingListDto })
  list(): Promise<PricingList> {
    return this.pricing.list();
  }

  @Put(':model')
  @OperatorOnly()
  @ApiOperation({
    summary: 'Creates or changes a model’s price; applies to usage recorded from now on',
  })
  @ApiOkResponse({ type: PricingItemDto })
  put(@Param('model') model: string, @Body() body: PutPricingDto): Promise<PricingItem> {
    return this.pricing.put(
      model,
      body.provider,
      parseUsd(body.inputUsdPerMTok)!,
      parseUsd(body.outputUsdPerMTok)!,
    );
  }
}
