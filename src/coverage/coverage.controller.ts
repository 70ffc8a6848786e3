import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { CommuneCoverageDto, CommuneCoverageQueryDto, RouteCoverageDto, RouteCoverageQueryDto } from './coverage.dto';
import { CoverageService } from './coverage.service';

@ApiTags('coverage')
@ApiBearerAuth()
@Controller('api/coverage')
export class CoverageController {
  constructor(private readonly coverage: CoverageService) {}

  @Get('routes')
  @Roles('admin', 'planner', 'technician', 'police')
  @ApiOperation({ summary: 'Per main route: length, covered length installed and effective, gaps with chainage and geometry' })
  @ApiOkResponse({ type: [RouteCoverageDto] })
  routes(@Query() q: RouteCoverageQueryDto): Promise<RouteCoverageDto[]> {
    return this.coverage.routes(q.ownership, q.min_gap_m);
  }

  @Get('communes')
  @Roles('admin', 'planner', 'technician', 'police')
  @ApiOperation({ summary: 'Per commune: cameras by ownership, stations, cameras online now, and (2025 layout) route length covered' })
  @ApiOkResponse({ type: [CommuneCoverageDto] })
  communes(@Query() q: CommuneCoverageQueryDto): Promise<CommuneCoverageDto[]> {
    return this.coverage.communes(q.layout, q.ownership);
  }
}
