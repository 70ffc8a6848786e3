import { Controller, Get, Header, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { AuthContext, canSeePrivateCameras, CurrentAuth } from '../auth/auth-context';
import { Roles } from '../auth/roles.decorator';
import { IncidentQueryDto } from './incident.dto';
import { IncidentService } from './incident.service';

@ApiTags('incidents')
@ApiBearerAuth()
@Controller('api')
export class IncidentController {
  constructor(private readonly incidents: IncidentService) {}

  @Get('incidents')
  @Roles('admin', 'technician')
  @ApiOperation({ summary: 'What is down now: every monitored camera and station not online, with since, reason and open alert; grouped by station, paged' })
  list(@Query() q: IncidentQueryDto, @CurrentAuth() auth: AuthContext) {
    return this.incidents.list(q, canSeePrivateCameras(auth));
  }

  @Get('incidents.csv')
  @Roles('admin', 'technician')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="camnet-incidents.csv"')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The same incidents, every page, as CSV for a spreadsheet (UTF-8 with BOM, formulas neutralised)' })
  csv(@Query() q: IncidentQueryDto, @CurrentAuth() auth: AuthContext) {
    return this.incidents.csv(q, canSeePrivateCameras(auth));
  }
}
