import { Body, Controller, Delete, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Audited, Roles } from '../auth/roles.decorator';
import { StationInputDto, StationQueryDto, UpdateStationDto } from './inventory.dto';
import { StationService } from './station.service';

@ApiTags('inventory')
@ApiBearerAuth()
@Controller('api/stations')
export class StationController {
  constructor(private readonly stations: StationService) {}

  @Get()
  @ApiOperation({ summary: 'Camera stations, by commune or district; paged' })
  @Roles('admin', 'technician', 'police', 'planner')
  list(@Query() q: StationQueryDto) {
    return this.stations.list(q);
  }

  @Get(':code')
  @ApiOperation({ summary: 'One camera station' })
  @Roles('admin', 'technician', 'police', 'planner')
  get(@Param('code') code: string) {
    return this.stations.get(code);
  }

  @Post()
  @ApiOperation({ summary: 'Registers a camera station' })
  @Roles('admin', 'technician')
  @Audited('station.create')
  create(@Body() dto: StationInputDto) {
    return this.stations.create(dto);
  }

  @Patch(':code')
  @ApiOperation({ summary: "Changes a station's registered facts" })
  @Roles('admin', 'technician')
  @Audited('station.update')
  update(@Param('code') code: string, @Body() dto: UpdateStationDto) {
    return this.stations.update(code, dto);
  }

  @Delete(':code')
  @ApiOperation({ summary: 'Retires a station' })
  @Roles('admin', 'technician')
  @Audited('station.retire')
  retire(@Param('code') code: string) {
    return this.stations.retire(code);
  }
}
