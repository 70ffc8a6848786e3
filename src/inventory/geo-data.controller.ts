import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { GeoDataService } from './geo-data.service';
import { AdminUnitQueryDto, LayoutQueryDto } from './inventory.dto';
import { SummaryService } from './summary.service';

const ALL = ['admin', 'technician', 'police', 'planner'] as const;

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api')
export class GeoDataController {
  constructor(
    private readonly geo: GeoDataService,
    private readonly summaries: SummaryService,
  ) {}

  @Get('summary')
  @Roles(...ALL)
  summary(@Query() q: LayoutQueryDto) {
    return this.summaries.summary(q.layout);
  }

  @Get('admin-units')
  @Roles(...ALL)
  adminUnits(@Query() q: AdminUnitQueryDto) {
    return this.geo.adminUnits(q);
  }

  @Get('communes/:code')
  @Roles(...ALL)
  commune(@Param('code') code: string, @Query() q: LayoutQueryDto) {
    return this.geo.commune(code, q.layout);
  }

  @Get('routes')
  @Roles(...ALL)
  routes() {
    return this.geo.routes();
  }

  @Get('road-signs')
  @Roles(...ALL)
  roadSigns() {
    return this.geo.roadSigns();
  }
}
