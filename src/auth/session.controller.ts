import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { ThrottlerGuard } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { AccountService } from './account.service';
import { AuthContext, CurrentAuth } from './auth-context';
import { ChangePasswordDto, LoginDto, TotpCodeDto } from './auth.dto';
import { AllowPendingPassword, Audited, Public, Roles } from './roles.decorator';
import { AuditService } from './audit.service';
import { OidcPending, OidcService } from './oidc.service';
import { clearOidcCookie, clearSessionCookies, OIDC_COOKIE, readCookie, setOidcCookie, setSessionCookies } from './session.cookie';

const EVERYONE = ['admin', 'technician', 'police', 'planner'] as const;

/** Logging in and out with a login and password: the browser's session cookie. */
@ApiTags('auth')
@Controller('api/auth')
export class SessionController {
  constructor(
    private readonly accounts: AccountService,
    private readonly oidc: OidcService,
    private readonly audit: AuditService,
    @Inject(CAMNET_CONFIG) private readonly config: CamnetConfig,
  ) {}

  @Post('login')
  @ApiOperation({ summary: 'Logs a person in with login, password (and TOTP code when enabled): sets the session cookie' })
  @HttpCode(200)
  @Public()
  @UseGuards(ThrottlerGuard)
  @Audited('auth.login')
  async login(@Body() dto: LoginDto, @Req() req: Request & { auth?: AuthContext }, @Res({ passthrough: true }) res: Response) {
    const { auth, user, cookie, csrf } = await this.accounts.login(dto.login, dto.password, dto.totp);
    req.auth = auth; // the audit names who logged in
    setSessionCookies(req, res, cookie, csrf, this.config.sessionMaxS);
    return {
      login: user.login,
      name: user.name,
      role: user.role,
      must_change_password: user.mustChangePassword,
      csrf_token: csrf,
      idle_timeout_s: this.config.sessionIdleS,
    };
  }

  @Get('methods')
  @ApiOperation({ summary: 'How people may log in here: password, and single sign-on when configured' })
  @Public()
  methods() {
    return { password: true, oidc: this.oidc.enabled };
  }

  /** Sends the browser to the agency's identity provider. */
  @Get('oidc/login')
  @ApiOperation({ summary: "Sends the browser to the agency's identity provider (single sign-on)" })
  @Public()
  @UseGuards(ThrottlerGuard)
  async oidcLogin(@Req() req: Request, @Res() res: Response) {
    const { url, pending } = await this.oidc.start();
    setOidcCookie(req, res, JSON.stringify(pending));
    res.redirect(302, url);
  }

  /** The provider sends the browser back here: a session is opened and the map shown. */
  @Get('oidc/callback')
  @ApiOperation({ summary: 'Where the identity provider sends the browser back: opens a session and shows the map' })
  @Public()
  @UseGuards(ThrottlerGuard)
  async oidcCallback(@Req() req: Request & { auth?: AuthContext }, @Res() res: Response) {
    const pending = parsePending(readCookie(req, OIDC_COOKIE));
    const current = new URL(req.originalUrl, this.config.oidc?.redirectUri ?? 'http://localhost');
    let user;
    try {
      user = await this.oidc.finish(current, pending);
    } catch (err) {
      await this.audit.record(undefined, 'auth.oidc_login', null, { reason: (err as Error).message }, { status: (err as { status?: number }).status ?? 401 });
      throw err;
    }
    const { auth, cookie, csrf } = await this.accounts.loginVouched(user);
    await this.audit.record(auth, 'auth.oidc_login', user.login, {});
    clearOidcCookie(req, res);
    setSessionCookies(req, res, cookie, csrf, this.config.sessionMaxS);
    res.redirect(302, '/');
  }

  @Post('logout')
  @ApiOperation({ summary: 'Ends this session' })
  @HttpCode(200)
  @Roles(...EVERYONE)
  @AllowPendingPassword()
  @Audited('auth.logout')
  async logout(@CurrentAuth() auth: AuthContext, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    await this.accounts.logout(auth);
    clearSessionCookies(req, res);
    return { ended: 1 };
  }

  @Post('logout-everywhere')
  @ApiOperation({ summary: 'Ends every session of the person calling' })
  @HttpCode(200)
  @Roles(...EVERYONE)
  @AllowPendingPassword()
  @Audited('auth.logout_everywhere')
  async logoutEverywhere(@CurrentAuth() auth: AuthContext, @Req() req: Request, @Res({ passthrough: true }) res: Response) {
    const ended = await this.accounts.logoutEverywhere(auth);
    clearSessionCookies(req, res);
    return { ended };
  }

  @Post('totp/setup')
  @ApiOperation({ summary: 'Starts two-factor sign-in: a new TOTP secret and its otpauth URI' })
  @HttpCode(200)
  @Roles('admin', 'police')
  @Audited('auth.totp_setup')
  setupTotp(@CurrentAuth() auth: AuthContext) {
    return this.accounts.setupTotp(auth);
  }

  @Post('totp/enable')
  @ApiOperation({ summary: 'Turns two-factor sign-in on with a first valid TOTP code' })
  @HttpCode(200)
  @Roles('admin', 'police')
  @Audited('auth.totp_enable')
  async enableTotp(@CurrentAuth() auth: AuthContext, @Body() dto: TotpCodeDto) {
    await this.accounts.enableTotp(auth, dto.code);
    return { totp_enabled: true };
  }

  @Post('password')
  @ApiOperation({ summary: "Changes the caller's own password" })
  @HttpCode(200)
  @Roles(...EVERYONE)
  @AllowPendingPassword()
  @Audited('auth.password_change')
  async changePassword(@CurrentAuth() auth: AuthContext, @Body() dto: ChangePasswordDto) {
    const user = await this.accounts.changePassword(auth, dto.current_password, dto.new_password);
    return { login: user.login, must_change_password: user.mustChangePassword };
  }
}

function parsePending(raw: string | undefined): OidcPending | null {
  if (!raw) return null;
  try {
    const p = JSON.parse(raw);
    return typeof p?.state === 'string' && typeof p.nonce === 'string' && typeof p.verifier === 'string' ? p : null;
  } catch {
    return null;
  }
}
