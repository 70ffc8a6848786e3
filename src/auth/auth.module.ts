import { Global, Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { AccessWatch } from './access.watch';
import { AccountService } from './account.service';
import { AuditInterceptor } from './audit.interceptor';
import { AuditService } from './audit.service';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { PasswordHasher } from './password.hasher';
import { SessionController } from './session.controller';
import { SessionService } from './session.service';
import { TokenService } from './token.service';
import { TotpService } from './totp.service';
import { OidcService } from './oidc.service';
import { ScopeInterceptor } from './scope.interceptor';
import { ScopeRepository } from './scope.repository';
import { UserController } from './user.controller';
import { UserService } from './user.service';

/** People and their sessions, machine tokens, roles and the audit log, applied to every controller. */
@Global()
@Module({
  imports: [
    // Only the login route uses the throttler (per client address); the lockout per account is UserService's.
    ThrottlerModule.forRootAsync({
      inject: [CAMNET_CONFIG],
      useFactory: (config: CamnetConfig) => ({
        throttlers: [{ name: 'login', ttl: 60_000, limit: config.loginRatePerMin }],
        errorMessage: `too many login attempts from this address: wait a minute and try again`,
      }),
    }),
  ],
  controllers: [AuthController, SessionController, UserController],
  providers: [
    TokenService,
    AuditService,
    PasswordHasher,
    UserService,
    SessionService,
    AccessWatch,
    AccountService,
    TotpService,
    OidcService,
    ScopeRepository,
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_INTERCEPTOR, useClass: AuditInterceptor },
    // After the audit interceptor: a refusal for scope is audited like any other.
    { provide: APP_INTERCEPTOR, useClass: ScopeInterceptor },
  ],
  exports: [TokenService, AuditService, AccessWatch, UserService, ScopeRepository],
})
export class AuthModule {}
