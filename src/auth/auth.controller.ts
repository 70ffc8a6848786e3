import { Body, Controller, Delete, Get, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext, CurrentAuth } from './auth-context';
import { AuditQueryDto, CreateTokenDto } from './auth.dto';
import { AuditService } from './audit.service';
import { AllowPendingPassword, Audited, Roles } from './roles.decorator';
import { TokenService } from './token.service';
import { AccountService } from './account.service';

@ApiTags('auth')
@ApiBearerAuth()
/** Machine tokens for integrations, the audit log, and who is calling. */
@Controller('api')
export class AuthController {
  constructor(
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    private readonly accounts: AccountService,
  ) {}

  @Post('tokens')
  @ApiOperation({ summary: 'Creates a machine token with a role (shown once)' })
  @Roles('admin')
  @Audited('token.create')
  async createToken(@Body() dto: CreateTokenDto, @CurrentAuth() auth: AuthContext) {
    const expiresAt = dto.expires_at ? new Date(dto.expires_at) : null;
    const { token, record } = await this.tokens.create(dto.name, dto.role, undefined, { expiresAt, createdBy: auth.userId ?? null });
    return { id: record.id, name: record.name, role: record.role, created_at: record.createdAt, expires_at: record.expiresAt, token };
  }

  @Get('tokens')
  @ApiOperation({ summary: 'Machine tokens: name, role, created, last used, revoked (never the token)' })
  @Roles('admin')
  async listTokens() {
    return (await this.tokens.list()).map((t) => ({
      id: t.id,
      name: t.name,
      role: t.role,
      created_at: t.createdAt,
      expires_at: t.expiresAt,
      revoked_at: t.revokedAt,
      created_by: t.createdBy,
    }));
  }

  @Delete('tokens/:id')
  @ApiOperation({ summary: 'Revokes a machine token' })
  @Roles('admin')
  @Audited('token.revoke')
  async revokeToken(@Param('id', ParseIntPipe) id: number) {
    const t = await this.accounts.revokeToken(id);
    return { id: t.id, name: t.name, role: t.role, revoked_at: t.revokedAt };
  }

  @Get('audit')
  @ApiOperation({ summary: 'The audit log, newest first, by action' })
  @Roles('admin')
  listAudit(@Query() q: AuditQueryDto) {
    return this.audit.list(q.action, q.limit ?? 100);
  }

  @Get('whoami')
  @ApiOperation({ summary: 'Who is calling: name, role, and whether by session or token' })
  @Roles('admin', 'technician', 'police', 'planner')
  @AllowPendingPassword()
  whoami(@CurrentAuth() auth: AuthContext) {
    return {
      name: auth.name,
      role: auth.role,
      kind: auth.sessionId ? 'session' : 'token',
      user_id: auth.userId ?? null,
      must_change_password: auth.mustChangePassword ?? false,
    };
  }
}
