import { Body, Controller, Delete, Get, HttpCode, Param, ParseIntPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext, canSeePrivateCameras, CurrentAuth } from '../auth/auth-context';
import { Audited, Roles } from '../auth/roles.decorator';
import { Scoped } from '../auth/scope.interceptor';
import { MaintenanceService } from './maintenance.service';
import { CreateMaintenanceWindowDto, HistoryQueryDto, MaintenanceQueryDto, UpdateMaintenanceWindowDto } from './monitoring.dto';
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
  @ApiOperation({ summary: "A camera's status, since when, why (reason), its last check and what the device reported" })
  @Roles('admin', 'technician', 'police', 'planner')
  @Audited('camera.status')
  @Scoped('camera')
  status(@Param('code') code: string, @CurrentAuth() auth: AuthContext) {
    return this.query.cameraStatus(code, canSeePrivateCameras(auth));
  }

  @Post('cameras/:code/check')
  @ApiOperation({ summary: 'Checks a camera now and answers its status' })
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
  @ApiOperation({
    summary: "A camera's status and orientation changes over a period",
    description:
      'A time camnet itself was not watching (stopped, or every replica running with CAMNET_MONITORING=off) shows as a change to unknown ' +
      '(source system, reason camnet_not_watching) and one back to the status camnet carried on with; not_watching lists those times.',
  })
  @Roles('admin', 'technician', 'police', 'planner')
  @Audited('camera.history')
  @Scoped('camera')
  history(@Param('code') code: string, @Query() q: HistoryQueryDto, @CurrentAuth() auth: AuthContext) {
    return this.query.history(code, q.from, q.to, canSeePrivateCameras(auth));
  }

  @Post('maintenance-windows')
  @Roles('admin', 'technician')
  @Audited('maintenance.create')
  @ApiOperation({ summary: 'Opens a maintenance window over a camera, station, commune or district (no overlap with another of the same scope)' })
  createWindow(@Body() dto: CreateMaintenanceWindowDto, @CurrentAuth() auth: AuthContext) {
    return this.maintenance.create(
      { scope: dto.scope, scopeId: dto.scope_id, startsAt: new Date(dto.starts_at), endsAt: new Date(dto.ends_at), reason: dto.reason ?? null },
      auth.name,
    );
  }

  @Patch('maintenance-windows/:id')
  @Roles('admin', 'technician')
  @Audited('maintenance.update')
  @ApiOperation({ summary: 'Changes a window that is not over: end early, extend, change scope or reason' })
  updateWindow(@Param('id', ParseIntPipe) id: number, @Body() dto: UpdateMaintenanceWindowDto) {
    return this.maintenance.update(id, {
      scope: dto.scope,
      scopeId: dto.scope_id,
      startsAt: dto.starts_at === undefined ? undefined : new Date(dto.starts_at),
      endsAt: dto.ends_at === undefined ? undefined : new Date(dto.ends_at),
      reason: dto.reason,
    });
  }

  @Post('maintenance-windows/:id/end')
  @HttpCode(200)
  @Roles('admin', 'technician')
  @Audited('maintenance.end')
  @ApiOperation({ summary: 'Ends a window in force now' })
  endWindow(@Param('id', ParseIntPipe) id: number) {
    return this.maintenance.end(id);
  }

  @Delete('maintenance-windows/:id')
  @Roles('admin', 'technician')
  @Audited('maintenance.cancel')
  @ApiOperation({ summary: 'Cancels a window that has not started' })
  cancelWindow(@Param('id', ParseIntPipe) id: number) {
    return this.maintenance.cancel(id);
  }

  @Get('maintenance-windows')
  @Roles('admin', 'technician', 'police', 'planner')
  @ApiOperation({ summary: 'Maintenance windows, newest first (active=true: those in force now)' })
  listWindows(@Query() q: MaintenanceQueryDto) {
    return this.maintenance.list({ active: q.active });
  }
}
