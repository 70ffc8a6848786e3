import { BadRequestException, Controller, Get, Header, Query, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { UptimeBreakdownService } from './uptime-breakdown.service';
import { UptimeBreakdownQueryDto, UptimeQueryDto } from './uptime.dto';
import { UptimeService } from './uptime.service';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

@ApiTags('uptime')
@ApiBearerAuth()
@Controller('api/uptime')
export class UptimeController {
  constructor(
    private readonly uptime: UptimeService,
    private readonly reports: UptimeBreakdownService,
  ) {}

  @Get()
  @Roles('admin', 'technician', 'planner', 'police')
  @ApiOperation({
    summary: 'Seconds per status and uptime % of a camera, station, commune or district over a window (monitored cameras only)',
    description:
      'uptime_pct = 100 × online_s / (online_s + offline_s + degraded_s): over the time camnet watched and outside maintenance only. ' +
      'Time camnet itself was not watching (stopped, or every replica running with CAMNET_MONITORING=off) is neither up nor down: ' +
      'it is counted in unknown_s (camera-seconds, like the other buckets), and not_watching_s gives it as wall-clock seconds of the window, ' +
      'with not_watching listing those periods (to null: not watching since). History recorded before camnet kept its watch record is read as watched.',
  })
  report(@Query() q: UptimeQueryDto) {
    return this.uptime.report(q);
  }

  @Get('series')
  @Roles('admin', 'technician', 'planner', 'police')
  @ApiOperation({
    summary: 'Daily uptime % of a camera, station, commune or district, for a chart (default the last 30 days, at most 92)',
    description: "Each day's uptime % over the time camnet watched that day (null: none watched, or nothing known).",
  })
  series(@Query() q: UptimeQueryDto) {
    return this.uptime.series(q);
  }

  @Get('breakdown')
  @Roles('admin', 'technician', 'planner')
  @ApiOperation({
    summary: 'Uptime per district, commune, station or camera over any period, the worst first',
    description: 'uptime_pct over the time camnet watched only; the time it was not watching is in unknown_s.',
  })
  breakdown(@Query() q: UptimeBreakdownQueryDto) {
    return this.reports.breakdown(checked(q));
  }

  @Get('breakdown.csv')
  @Roles('admin', 'technician', 'planner')
  @Header('Content-Type', 'text/csv; charset=utf-8')
  @Header('Content-Disposition', 'attachment; filename="camnet-uptime.csv"')
  @ApiProduces('text/csv')
  @ApiOperation({ summary: 'The uptime breakdown as CSV (UTF-8 with BOM)' })
  csv(@Query() q: UptimeBreakdownQueryDto) {
    return this.reports.csv(checked(q));
  }

  @Get('breakdown.xlsx')
  @Roles('admin', 'technician', 'planner')
  @Header('Content-Type', XLSX)
  @Header('Content-Disposition', 'attachment; filename="camnet-uptime.xlsx"')
  @ApiProduces(XLSX)
  @ApiOperation({ summary: 'The uptime breakdown as an Excel workbook' })
  async xlsx(@Query() q: UptimeBreakdownQueryDto) {
    return new StreamableFile(await this.reports.xlsx(checked(q)), { type: XLSX });
  }
}

/** scope and code go together. */
function checked(q: UptimeBreakdownQueryDto): UptimeBreakdownQueryDto {
  if ((q.scope === undefined) !== (q.code === undefined)) {
    throw new BadRequestException({
      statusCode: 400,
      message: 'scope and code go together',
      errors: [{ field: q.scope ? 'code' : 'scope', reason: 'scope and code go together: give both, or neither for the whole province' }],
    });
  }
  return q;
}
