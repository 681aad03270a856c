import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Public } from '../auth/auth.decorators';
import { AgentJwtService } from './agent-jwt.service';

/** The public key of the per-call agent JWTs, for agentgateway's jwtAuth and the agents themselves. */
@ApiTags('gateway')
@Public()
@Controller('.well-known')
export class JwksController {
  constructor(private readonly jwt: AgentJwtService) {}

  @Get('jwks.json')
  @Header('cache-control', 'public, max-age=300')
  @ApiOperation({
    summary: 'JWKS of the key that signs the JWT on every agent and MCP call (issuer = PUBLIC_URL)',
  })
  @ApiOkResponse({
    description:
      '{ "keys": [ { "kty": "EC", "crv": "P-256", "kid", "alg": "ES256", "use": "sig", "x", "y" } ] }',
  })
  jwks() {
    return this.jwt.jwks();
  }
}
