import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator';
import { UptimeQueryDto } from './uptime.dto';
import { UptimeService } from './uptime.service';

@ApiTags('uptime')
@ApiBearerAuth()
@Controller('api/uptime')
export class UptimeController {
  constructor(private readonly uptime: UptimeService) {}

  /** Seconds per status and uptime % of a camera, station, commune or district over a window. */
  @Get()
  @Roles('admin', 'technician', 'planner', 'police')
  report(@Query() q: UptimeQueryDto) {
    return this.uptime.report(q);
  }
}
