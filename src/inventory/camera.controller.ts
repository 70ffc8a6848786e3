import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuthContext, cameraAccess, CurrentAuth } from '../auth/auth-context';
import { Audited, Roles } from '../auth/roles.decorator';
import { CameraService } from './camera.service';
import { CameraInputDto, CameraQueryDto, UpdateCameraDto } from './inventory.dto';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/cameras')
export class CameraController {
  constructor(private readonly cameras: CameraService) {}

  @Get()
  @Roles('admin', 'technician', 'police', 'planner')
  @Audited('camera.list')
  list(@Query() q: CameraQueryDto, @CurrentAuth() auth: AuthContext) {
    return this.cameras.list(q, cameraAccess(auth));
  }

  @Get(':code')
  @Roles('admin', 'technician', 'police', 'planner')
  @Audited('camera.read')
  get(@Param('code') code: string, @CurrentAuth() auth: AuthContext) {
    return this.cameras.get(code, cameraAccess(auth));
  }

  @Post()
  @Roles('admin', 'technician')
  @Audited('camera.create')
  create(@Body() dto: CameraInputDto, @CurrentAuth() auth: AuthContext) {
    return this.cameras.create(dto, cameraAccess(auth));
  }

  @Patch(':code')
  @Roles('admin', 'technician')
  @Audited('camera.update')
  update(@Param('code') code: string, @Body() dto: UpdateCameraDto, @CurrentAuth() auth: AuthContext) {
    return this.cameras.update(code, dto, cameraAccess(auth));
  }

  @Delete(':code')
  @Roles('admin', 'technician')
  @Audited('camera.retire')
  retire(@Param('code') code: string, @CurrentAuth() auth: AuthContext) {
    return this.cameras.retire(code, cameraAccess(auth));
  }
}
