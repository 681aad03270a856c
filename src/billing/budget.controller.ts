import { Body, Controller, Delete, Get, HttpCode, Put } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, ApiTenant, CustomerId } from '../auth/auth.decorators';
import type { BudgetView } from './billing.types';
import { BudgetService } from './budget.service';
import { BudgetViewDto, PutBudgetDto } from './dto/budget.dto';
import { parseUsd } from './money';

/** Who may change a customer's budget: not plain members. */
const BUDGET_MANAGERS = ['operator', 'owner', 'admin', 'apiKey'] as const;

@ApiTags('billing')
@ApiTenant()
@Controller('api/billing/budget')
export class BudgetController {
  constructor(private readonly budgets: BudgetService) {}

  @Get()
  @ApiOperation({ summary: 'The monthly budget and this month’s spend' })
  @ApiOkResponse({ type: BudgetViewDto })
  get(@CustomerId() customerId: string): Promise<BudgetView> {
    return this.budgets.view(customerId);
  }

  @Put()
  @Allow(...BUDGET_MANAGERS)
  @ApiOperation({
    summary: 'Sets the monthly limit and hard stop; lifting a stop releases held tasks',
  })
  @ApiOkResponse({ type: BudgetViewDto })
  put(@CustomerId() customerId: string, @Body() body: PutBudgetDto): Promise<BudgetView> {
    return this.budgets.put(customerId, parseUsd(body.monthlyLimitUsd)!, body.hardStop ?? false);
  }

  @Delete()
  @HttpCode(204)
  @Allow(...BUDGET_MANAGERS)
  @ApiOperation({ summary: 'Removes the budget (no limit, no alerts, no stop)' })
  @ApiNoContentResponse()
  async remove(@CustomerId() customerId: string): Promise<void> {
    await this.budgets.remove(customerId);
  }
}
