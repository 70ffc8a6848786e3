import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, Public, Roles } from '../auth/roles.decorator';
import { CAMNET_CONFIG, CamnetConfig } from '../config/config';
import { fieldLimits } from '../http-defaults';
import { ProposalRequestDto } from '../planning/planning.dto';
import { NearQueryDto } from '../search/search.dto';
import { MapViewQueryDto } from './map.dto';
import { MapBaseService } from './map-base.service';
import { MapService } from './map.service';

/** The bounds of the fields the map's forms send, read from the DTOs that check them. */
const MAP_FORM_LIMITS = {
  search_radius_m: fieldLimits(NearQueryDto, 'radius_m'),
  budget_vnd: fieldLimits(ProposalRequestDto, 'budget_vnd'),
};

@ApiTags('map')
@ApiBearerAuth()
@Controller('api')
export class MapController {
  constructor(
    private readonly map: MapService,
    private readonly base: MapBaseService,
    @Inject(CAMNET_CONFIG) private readonly config: CamnetConfig,
  ) {}

  /** What the map needs before login: the base tiles and the limits its forms share with the API. */
  @Get('map-config')
  @ApiOperation({ summary: 'What the map needs before login: base tiles, province bounds and the limits its forms share with the API' })
  @Public()
  mapConfig() {
    return this.map.config(this.config, MAP_FORM_LIMITS, this.base.provinceBounds());
  }

  /** Boundaries, commune points, routes and road signs in one cached answer: nothing private, so every role. */
  @Get('map/base')
  @Roles('admin', 'technician', 'police', 'planner')
  @ApiOperation({ summary: 'the map reference layers: districts, communes (2019 points, July-2025 boundaries), routes, road signs' })
  async mapBase(@Req() req: Request, @Res() res: Response): Promise<void> {
    (await this.base.answer()).send(req, res);
  }

  // Private cameras' positions go to police and admin only (DESIGN.md, privacy); police reads are audited.
  @Get('map/private-cameras')
  @Roles('admin', 'police')
  @Audited('map.private_cameras')
  @ApiOperation({ summary: 'private cameras in a viewport: clusters with counts up to zoom 15, single cameras from zoom 16' })
  privateCameras(@Query() q: MapViewQueryDto) {
    return this.map.privateCameras(q);
  }
}
