import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuthContext, CurrentAuth } from '../auth/auth-context';
import { Roles } from '../auth/roles.decorator';
import { Scoped } from '../auth/scope.interceptor';
import { NearQueryDto, NearResultDto } from './search.dto';
import { SearchService } from './search.service';

/**
 * Police and admin only: the answer places private cameras and, for these roles,
 * their owners' phones. Technicians find cameras through /api/cameras?bbox=.
 * Not @Audited: the service audits every search itself, whatever the role.
 */
@ApiTags('search')
@ApiBearerAuth()
@Controller('api/search')
export class SearchController {
  constructor(private readonly search: SearchService) {}

  @Get('near')
  @Roles('police', 'admin')
  @Scoped('search')
  @ApiOperation({
    summary:
      'Cameras near an incident at a time: whether each saw the point and likely recorded it (case_ref required; `at` without an offset is Long An time, UTC+7)',
  })
  @ApiOkResponse({ type: NearResultDto })
  near(@Query() q: NearQueryDto, @CurrentAuth() auth: AuthContext): Promise<NearResultDto> {
    return this.search.near(q, auth);
  }

  @Get('near.csv')
  @Roles('police', 'admin')
  @Scoped('search')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="camnet-incident-search.csv"')
  @ApiOperation({ summary: 'The same search as a CSV file for the case record' })
  @ApiProduces('text/csv')
  nearCsv(@Query() q: NearQueryDto, @CurrentAuth() auth: AuthContext): Promise<string> {
    return this.search.nearCsv(q, auth);
  }
}
