import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { CommuneCoverageDto, CommuneCoverageQueryDto, NetworkCoverageDto, OwnershipFilterDto, RouteCoverageDto, RouteCoverageQueryDto } from './coverage.dto';
import { CoverageService } from './coverage.service';

@ApiTags('coverage')
@ApiBearerAuth()
@Controller('api/coverage')
export class CoverageController {
  constructor(private readonly coverage: CoverageService) {}

  @Get('routes')
  @Roles('admin', 'planner', 'technician', 'police')
  @ApiOperation({ summary: 'Per main route: length, covered length installed, by monitored cameras online and by registered private cameras, gaps with chainage and geometry' })
  @ApiOkResponse({ type: [RouteCoverageDto] })
  routes(@Query() q: RouteCoverageQueryDto): Promise<RouteCoverageDto[]> {
    return this.coverage.routes(q.ownership, q.min_gap_m);
  }

  @Get('network')
  @Roles('admin', 'planner', 'technician', 'police')
  @ApiOperation({ summary: 'The main-route network as one: length and covered metres with each shared stretch (QL62 / QL N2) once' })
  @ApiOkResponse({ type: NetworkCoverageDto })
  network(@Query() q: OwnershipFilterDto): Promise<NetworkCoverageDto> {
    return this.coverage.networkTotals(q.ownership);
  }

  @Get('communes')
  @Roles('admin', 'planner', 'technician', 'police')
  @ApiOperation({ summary: 'Per commune: cameras by ownership, stations, cameras online now, and (2025 layout) route length covered' })
  @ApiOkResponse({ type: [CommuneCoverageDto] })
  communes(@Query() q: CommuneCoverageQueryDto): Promise<CommuneCoverageDto[]> {
    return this.coverage.communes(q.layout, q.ownership);
  }
}
