import { Body, Controller, Delete, Get, Inject, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CLOCK, Clock } from '../common/clock';
import { AuthContext, CurrentAuth } from './auth-context';
import { AuditQueryDto, CreateTokenDto } from './auth.dto';
import { AuditService } from './audit.service';
import { Audited, Roles } from './roles.decorator';
import { TokenService } from './token.service';

@ApiTags('auth')
@ApiBearerAuth()
@Controller('api')
export class AuthController {
  constructor(
    private readonly tokens: TokenService,
    private readonly audit: AuditService,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Post('tokens')
  @Roles('admin')
  @Audited('token.create')
  async createToken(@Body() dto: CreateTokenDto) {
    const { token, record } = await this.tokens.create(dto.name, dto.role);
    return { id: record.id, name: record.name, role: record.role, created_at: record.createdAt, token };
  }

  @Get('tokens')
  @Roles('admin')
  async listTokens() {
    return (await this.tokens.list()).map((t) => ({ id: t.id, name: t.name, role: t.role, created_at: t.createdAt, revoked_at: t.revokedAt }));
  }

  @Delete('tokens/:id')
  @Roles('admin')
  @Audited('token.revoke')
  async revokeToken(@Param('id', ParseIntPipe) id: number) {
    const t = await this.tokens.revoke(id, this.clock.now());
    return { id: t.id, name: t.name, role: t.role, revoked_at: t.revokedAt };
  }

  @Get('audit')
  @Roles('admin')
  listAudit(@Query() q: AuditQueryDto) {
    return this.audit.list(q.action, q.limit ?? 100);
  }

  @Get('whoami')
  @Roles('admin', 'technician', 'police', 'planner')
  whoami(@CurrentAuth() auth: AuthContext) {
    return { name: auth.name, role: auth.role };
  }
}
