import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class McpToolInfo {
  @ApiProperty() name!: string;
  @ApiPropertyOptional() title?: string;
  @ApiProperty({ type: String, nullable: true }) description!: string | null;
  @ApiProperty({ description: 'JSON Schema of the arguments', type: Object }) inputSchema!: unknown;
}

/** One MCP server of a VE as GET /api/ves/:id/tools reports it. */
export class McpServerTools {
  @ApiProperty({
    description: 'Server name (from "server/tool"), or its URL for tools given as URLs',
  })
  server!: string;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The MCP endpoint; null when no gateway is configured',
  })
  url!: string | null;
  @ApiProperty({
    description: 'Tool names the VE may use, or "*" for all',
    oneOf: [
      { type: 'string', enum: ['*'] },
      { type: 'array', items: { type: 'string' } },
    ],
  })
  allowed!: string[] | '*';
  @ApiProperty() reachable!: boolean;
  @ApiProperty({ type: [McpToolInfo], description: 'The allowed tools the server offers' })
  tools!: McpToolInfo[];
  @ApiProperty({ type: [String], description: 'Allowed tools the server does not offer' })
  missing!: string[];
  @ApiPropertyOptional({ description: 'Why the server could not be listed' }) error?: string;
}

export class VeToolsResponse {
  @ApiProperty() veId!: string;
  @ApiProperty({ type: [McpServerTools] }) servers!: McpServerTools[];
}

export class McpToolResult {
  @ApiProperty() tool!: string;
  @ApiProperty({ description: 'True when the tool itself reported an error' }) isError!: boolean;
  @ApiProperty({ type: [Object], description: 'MCP content blocks (text, image, resource...)' })
  content!: unknown[];
  @ApiPropertyOptional({ type: Object }) structuredContent?: Record<string, unknown>;
}
