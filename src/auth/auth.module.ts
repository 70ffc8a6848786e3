import { Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditInterceptor } from './audit.interceptor';
import { AuditService } from './audit.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { TokenService } from './token.service';

/** Tokens, roles and the audit log, applied to every controller. */
@Global()
@Module({
  controllers: [AuthController],
  providers: [TokenService, AuditService, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_INTERCEPTOR, useClass: AuditInterceptor }],
  exports: [TokenService, AuditService],
})
export class AuthModule {}
