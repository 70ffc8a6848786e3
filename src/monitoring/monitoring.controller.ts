import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthContext, canSeePrivateCameras, CurrentAuth } from '../auth/auth-context';
import { Audited, Roles } from '../auth/roles.decorator';
import { Scoped } from '../auth/scope.interceptor';
import { MaintenanceService } from './maintenance.service';
import { CreateMaintenanceWindowDto, HistoryQueryDto, MaintenanceQueryDto } from './monitoring.dto';
import { MonitoringQueryService } from './monitoring-query.service';
import { ProbeScheduler } from './probe.scheduler';

@ApiTags('monitoring')
@ApiBearerAuth()
@Controller('api')
export class MonitoringController {
  constructor(
    private readonly query: MonitoringQueryService,
    private readonly scheduler: ProbeScheduler,
    private readonly maintenance: MaintenanceService,
  ) {}

  @Get('cameras/:code/status')
  @Roles('admin', 'technician', 'police', 'planner')
  @Audited('camera.status')
  @Scoped('camera')
  status(@Param('code') code: string, @CurrentAuth() auth: AuthContext) {
    return this.query.cameraStatus(code, canSeePrivateCameras(auth));
  }

  @Post('cameras/:code/check')
  @HttpCode(200)
  @Roles('admin', 'technician')
  @Audited('camera.check')
  @Scoped('camera')
  async check(@Param('code') code: string, @CurrentAuth() auth: AuthContext) {
    const seesPrivate = canSeePrivateCameras(auth);
    await this.query.cameraStatus(code, seesPrivate); // a technician's check of a private camera is "not found", and not run
    await this.scheduler.checkNow(code);
    return this.query.cameraStatus(code, seesPrivate);
  }

  @Get('cameras/:code/history')
  @Roles('admin', 'technician', 'police', 'planner')
  @Audited('camera.history')
  @Scoped('camera')
  history(@Param('code') code: string, @Query() q: HistoryQueryDto, @CurrentAuth() auth: AuthContext) {
    return this.query.history(code, q.from, q.to, canSeePrivateCameras(auth));
  }

  @Post('maintenance-windows')
  @Roles('admin', 'technician')
  @Audited('maintenance.create')
  createWindow(@Body() dto: CreateMaintenanceWindowDto) {
    return this.maintenance.create({
      scope: dto.scope,
      scopeId: dto.scope_id,
      startsAt: new Date(dto.starts_at),
      endsAt: new Date(dto.ends_at),
      reason: dto.reason ?? null,
    });
  }

  @Get('maintenance-windows')
  @Roles('admin', 'technician', 'police', 'planner')
  listWindows(@Query() q: MaintenanceQueryDto) {
    return this.maintenance.list({ active: q.active });
  }
}
