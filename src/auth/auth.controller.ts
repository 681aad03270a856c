import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiTenant, CurrentCaller } from './auth.decorators';
import type { Caller } from './caller';
import { MeDto } from './dto/me.dto';

@ApiTags('auth')
@ApiTenant()
@Controller('api/auth')
export class AuthController {
  @Get('me')
  @ApiOperation({ summary: 'Who the credentials belong to' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentCaller() caller: Caller): MeDto {
    return {
      kind: caller.kind,
      customerId: caller.customerId,
      role: caller.role,
      userId: caller.userId ?? null,
    };
  }
}
