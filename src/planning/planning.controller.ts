import { Body, Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Audited, Roles } from '../auth/roles.decorator';
import { GapsQueryDto, ProposalDto, ProposalRequestDto, RankedGapDto, UncoveredCommuneDto } from './planning.dto';
import { PlanningService } from './planning.service';

@ApiTags('planning')
@ApiBearerAuth()
@Controller('api/planning')
export class PlanningController {
  constructor(private readonly planning: PlanningService) {}

  @Get('uncovered-communes')
  @Roles('planner', 'admin')
  @ApiOperation({ summary: 'Communes (2019 layout) with no station, with their 2025 commune(s) and the nearest main route' })
  @ApiOkResponse({ type: [UncoveredCommuneDto] })
  uncoveredCommunes(): Promise<UncoveredCommuneDto[]> {
    return this.planning.uncoveredCommunes();
  }

  @Get('gaps')
  @Roles('planner', 'admin')
  @ApiOperation({ summary: 'Route gaps (installed coverage) of at least min_gap_m, longest first' })
  @ApiOkResponse({ type: [RankedGapDto] })
  gaps(@Query() q: GapsQueryDto): Promise<RankedGapDto[]> {
    return this.planning.gaps(q.min_gap_m);
  }

  /** Writes nothing, but it is a POST and so audited (planning.proposal) like every other. */
  @Post('proposals')
  @HttpCode(200)
  @Roles('planner', 'admin')
  @Audited('planning.proposal')
  @ApiOperation({
    summary: 'Where to put new stations for a budget, on the route network with shared stretches once (objective route_metres or communes_first)',
    description: 'A budget below the cost of one station answers 400 with code "budget_below_station_cost" and params {budget_vnd, cost_per_station_vnd}.',
  })
  @ApiOkResponse({ type: ProposalDto })
  propose(@Body() body: ProposalRequestDto): Promise<ProposalDto> {
    return this.planning.propose(body);
  }

  @Post('proposals.geojson')
  @HttpCode(200)
  @Roles('planner', 'admin')
  @Audited('planning.proposal.export')
  @Header('Content-Type', 'application/geo+json; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="camnet-proposal.geojson"')
  @ApiProduces('application/geo+json')
  @ApiOperation({ summary: 'The same proposal as GeoJSON: a numbered Point per station with its gain' })
  proposeGeoJson(@Body() body: ProposalRequestDto): Promise<object> {
    return this.planning.proposeAs(body, 'geojson');
  }

  @Post('proposals.csv')
  @HttpCode(200)
  @Roles('planner', 'admin')
  @Audited('planning.proposal.export')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="camnet-proposal.csv"')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The same proposal as CSV for Excel (UTF-8 with BOM)' })
  proposeCsv(@Body() body: ProposalRequestDto): Promise<string> {
    return this.planning.proposeAs(body, 'csv');
  }
}
