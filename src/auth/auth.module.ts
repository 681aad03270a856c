import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeyCache } from './api-key-cache';
import { AuthGuard } from './auth.guard';
import { AuthRepository } from './auth.repository';
import { AuthService } from './auth.service';
import { SupabaseJwtVerifier } from './supabase-jwt.verifier';

@Global()
@Module({
  providers: [
    AuthRepository,
    AuthService,
    ApiKeyCache,
    SupabaseJwtVerifier,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService],
})
export class AuthModule {}
