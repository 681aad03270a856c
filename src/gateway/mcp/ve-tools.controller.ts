import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow, ApiTenant, CustomerId } from '../../auth/auth.decorators';
import { VesService } from '../../ves/ves.service';
import { CallToolDto } from '../dto/call-tool.dto';
import { McpToolsService } from './mcp-tools.service';
import { McpToolResult, VeToolsResponse } from './mcp.types';

/** A VE's MCP tools, reached through the gateway. */
@ApiTags('virtual employees')
@ApiTenant()
@Controller('api/ves')
export class VeToolsController {
  constructor(
    private readonly ves: VesService,
    private readonly mcp: McpToolsService,
  ) {}

  @Get(':id/tools')
  @ApiOperation({
    summary:
      "The VE's MCP servers and their tools; an unreachable server is reported, not an error",
  })
  @ApiOkResponse({ type: VeToolsResponse })
  async list(
    @CustomerId() customerId: string,
    @Param('id', ParseUUIDPipe) id: string,
  ): Promise<VeToolsResponse> {
    const ve = await this.ves.get(customerId, id);
    return { veId: ve.id, servers: await this.mcp.listTools(customerId, ve) };
  }

  @Post(':id/tools/call')
  @HttpCode(200)
  @Allow('operator', 'apiKey', 'owner', 'admin')
  @ApiOperation({
    summary:
      "Calls one of the VE's tools as the VE would (422 when the VE lacks it, 503 when the server is down)",
  })
  @ApiOkResponse({ type: McpToolResult })
  async call(
    @CustomerId() customerId: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: CallToolDto,
  ): Promise<McpToolResult> {
    const ve = await this.ves.get(customerId, id);
    return this.mcp.callTool(customerId, ve, body.tool, body.arguments ?? {});
  }
}
