import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { ApiTenant, CustomerId } from '../auth/auth.decorators';
import { UsageQueryDto, UsageReportDto, SummaryQueryDto, UsageSummaryDto } from './dto/usage.dto';
import type { UsageReport, UsageSummary } from './billing.types';
import { toCsv, wantsCsv } from './usage-csv';
import { UsageReportService } from './usage-report.service';

@ApiTags('billing')
@ApiTenant()
@Controller('api/billing')
export class BillingController {
  constructor(private readonly reports: UsageReportService) {}

  @Get('usage')
  @ApiOperation({
    summary: 'Tokens and cost grouped by day, VE, model or task over [from, to) (UTC days)',
    description:
      'JSON, or CSV with `Accept: text/csv` (or format=csv); CSV pages carry x-next-cursor.',
  })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({ type: UsageReportDto })
  async usage(
    @CustomerId() customerId: string,
    @Query() query: UsageQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<UsageReport | string> {
    const report = await this.reports.report(customerId, query);
    if (!wantsCsv(accept, query.format)) return report;
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header(
        'content-disposition',
        `attachment; filename="usage-${report.groupBy}-${report.from}-${report.to}.csv"`,
      );
    if (report.nextCursor) void reply.header('x-next-cursor', report.nextCursor);
    return toCsv(
      [report.groupBy, 'inputTokens', 'outputTokens', 'costUsd', 'events'],
      report.rows.map((r) => [r.key, r.inputTokens, r.outputTokens, r.costUsd, r.events]),
    );
  }

  @Get('summary')
  @ApiOperation({
    summary: 'A month: totals, per VE, per model and the budget state (from the daily rollups)',
  })
  @ApiOkResponse({ type: UsageSummaryDto })
  summary(
    @CustomerId() customerId: string,
    @Query() query: SummaryQueryDto,
  ): Promise<UsageSummary> {
    return this.reports.summary(customerId, query.period);
  }
}
