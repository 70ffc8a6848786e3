import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsEmail, IsOptional } from 'class-validator';
import { AuthContext, CurrentAuth } from '../auth/auth-context';
import { Audited, Roles } from '../auth/roles.decorator';
import { EmailNotifier } from './email.notifier';

export class TestMailDto {
  @ApiPropertyOptional({ example: 'ops@example.vn', description: 'one address; default every configured recipient' })
  @IsOptional()
  @IsEmail({}, { message: (a) => `to must be an e-mail address, got ${JSON.stringify(a.value)}` })
  to?: string;
}

@ApiTags('notifications')
@ApiBearerAuth()
@Controller('api/notifications')
export class NotifyController {
  constructor(private readonly mail: EmailNotifier) {}

  @Post('test')
  @HttpCode(200)
  @Roles('admin')
  @Audited('notify.test')
  @ApiOperation({ summary: 'Sends a test e-mail now, to one address or to every configured recipient' })
  test(@Body() dto: TestMailDto, @CurrentAuth() auth: AuthContext) {
    return this.mail.sendTest(dto.to, auth.name);
  }
}
