import { Controller, Get, Header, HttpCode, Param, Post, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuthContext, canSeePrivateCameras, CurrentAuth } from '../auth/auth-context';
import { Audited, Roles } from '../auth/roles.decorator';
import { ReferenceQueryDto } from './view.dto';
import { ViewQueryService } from './view-query.service';

/** Picture health of station cameras: the latest view, its thumbnails, a check now, a new reference. */
@ApiTags('picture health')
@ApiBearerAuth()
@Controller('api/cameras/:code/view')
export class ViewController {
  constructor(private readonly views: ViewQueryService) {}

  @Get()
  @ApiOperation({ summary: "A station camera's picture health: state, metrics and references" })
  @Roles('admin', 'technician')
  @Audited('camera.view')
  view(@Param('code') code: string, @CurrentAuth() auth: AuthContext | undefined) {
    return this.views.view(code, canSeePrivateCameras(auth));
  }

  @Get('current.jpg')
  @ApiOperation({ summary: "The latest snapshot's thumbnail (JPEG)" })
  @Roles('admin', 'technician', 'police')
  @Audited('camera.view.current')
  @ApiProduces('image/jpeg')
  @Header('Cache-Control', 'private, no-store')
  async current(@Param('code') code: string, @CurrentAuth() auth: AuthContext | undefined) {
    return new StreamableFile(await this.views.currentJpeg(code, canSeePrivateCameras(auth)), { type: 'image/jpeg' });
  }

  @Get('reference.jpg')
  @ApiOperation({ summary: "The reference view's thumbnail (JPEG)" })
  @Roles('admin', 'technician', 'police')
  @Audited('camera.view.reference')
  @ApiProduces('image/jpeg')
  @Header('Cache-Control', 'private, no-store')
  async reference(@Param('code') code: string, @Query() q: ReferenceQueryDto, @CurrentAuth() auth: AuthContext | undefined) {
    return new StreamableFile(await this.views.referenceJpeg(code, q.slot ?? null, canSeePrivateCameras(auth)), { type: 'image/jpeg' });
  }

  @Post('check')
  @ApiOperation({ summary: 'Takes and analyses a snapshot now' })
  @HttpCode(200)
  @Roles('admin', 'technician')
  @Audited('camera.view.check')
  check(@Param('code') code: string, @CurrentAuth() auth: AuthContext | undefined) {
    return this.views.checkNow(code, canSeePrivateCameras(auth));
  }

  @Post('reference')
  @ApiOperation({ summary: "Makes the current view the camera's reference (after a meant change of aim)" })
  @HttpCode(200)
  @Roles('admin', 'technician')
  @Audited('camera.view.reference.set')
  setReference(@Param('code') code: string, @CurrentAuth() auth: AuthContext | undefined) {
    return this.views.setReference(code, auth?.name ?? 'unknown', canSeePrivateCameras(auth));
  }
}
