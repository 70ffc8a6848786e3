import { Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthContext, canSeePrivateCameras, CurrentAuth } from '../auth/auth-context';
import { Audited, Roles } from '../auth/roles.decorator';
import { Scoped } from '../auth/scope.interceptor';
import { AlertQueryDto } from './alert.dto';
import { AlertService } from './alert.service';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/alerts')
export class AlertController {
  constructor(private readonly alerts: AlertService) {}

  @Get()
  @Roles('admin', 'technician')
  @Scoped('alerts')
  list(@Query() q: AlertQueryDto, @CurrentAuth() auth: AuthContext) {
    return this.alerts.list(q.state, q.limit ?? 100, canSeePrivateCameras(auth));
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Roles('technician', 'admin')
  @Audited('alert.ack')
  ack(@Param('id', ParseIntPipe) id: number, @CurrentAuth() auth: AuthContext) {
    return this.alerts.ack(id, auth.name);
  }
}
