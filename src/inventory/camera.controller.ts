import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext, cameraAccess, CurrentAuth } from '../auth/auth-context';
import { Audited, Roles } from '../auth/roles.decorator';
import { Scoped } from '../auth/scope.interceptor';
import { CameraService } from './camera.service';
import { CameraInputDto, CameraQueryDto, UpdateCameraDto } from './inventory.dto';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/cameras')
export class CameraController {
  constructor(private readonly cameras: CameraService) {}

  @Get()
  @ApiOperation({ summary: 'Cameras by commune, district, station, ownership, status or bounding box, with status and reason; cursor paged' })
  @Roles('admin', 'technician', 'police', 'planner')
  @Audited('camera.list')
  @Scoped('camera-list')
  list(@Query() q: CameraQueryDto, @CurrentAuth() auth: AuthContext) {
    return this.cameras.list(q, cameraAccess(auth));
  }

  @Get(':code')
  @ApiOperation({ summary: 'One camera (owner contact for police and admin only)' })
  @Roles('admin', 'technician', 'police', 'planner')
  @Audited('camera.read')
  @Scoped('camera')
  get(@Param('code') code: string, @CurrentAuth() auth: AuthContext) {
    return this.cameras.get(code, cameraAccess(auth));
  }

  @Post()
  @ApiOperation({ summary: "Registers a camera; a station camera takes its station's commune, one with a position the commune there" })
  @Roles('admin', 'technician')
  @Audited('camera.create')
  @Scoped('camera-create')
  create(@Body() dto: CameraInputDto, @CurrentAuth() auth: AuthContext) {
    return this.cameras.create(dto, cameraAccess(auth));
  }

  @Patch(':code')
  @ApiOperation({ summary: "Changes a camera's registered facts" })
  @Roles('admin', 'technician')
  @Audited('camera.update')
  @Scoped('camera')
  update(@Param('code') code: string, @Body() dto: UpdateCameraDto, @CurrentAuth() auth: AuthContext) {
    return this.cameras.update(code, dto, cameraAccess(auth));
  }

  @Delete(':code')
  @ApiOperation({ summary: 'Retires a camera (kept in the history, no longer checked)' })
  @Roles('admin', 'technician')
  @Audited('camera.retire')
  @Scoped('camera')
  retire(@Param('code') code: string, @CurrentAuth() auth: AuthContext) {
    return this.cameras.retire(code, cameraAccess(auth));
  }
}
