import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({ summary: "The province's figures: communes, stations, cameras by ownership, road signs, funding, status counts" })
  @Roles(...ALL)
  summary(@Query() q: LayoutQueryDto) {
    return this.summaries.summary(q.layout);
  }

  @Get('admin-units')
  @ApiOperation({ summary: 'Districts and communes (2019 or July-2025 layout), by level and parent' })
  @Roles(...ALL)
  adminUnits(@Query() q: AdminUnitQueryDto) {
    return this.geo.adminUnits(q);
  }

  @Get('communes/:code')
  @ApiOperation({ summary: 'One commune (2019 or July-2025 layout) with its point or boundary and its counts of stations and cameras' })
  @Roles(...ALL)
  commune(@Param('code') code: string, @Query() q: LayoutQueryDto) {
    return this.geo.commune(code, q.layout);
  }

  @Get('routes')
  @ApiOperation({ summary: 'The main routes with their geometry and length' })
  @Roles(...ALL)
  routes() {
    return this.geo.routes();
  }

  @Get('road-signs')
  @ApiOperation({ summary: 'Road signs marking routes with security cameras' })
  @Roles(...ALL)
  roadSigns() {
    return this.geo.roadSigns();
  }
}
