import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
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
  @ApiOperation({ summary: 'Where to put new stations for a budget (greedy: most newly covered route length per VND)' })
  @ApiOkResponse({ type: ProposalDto })
  propose(@Body() body: ProposalRequestDto): Promise<ProposalDto> {
    return this.planning.propose(body);
  }
}
