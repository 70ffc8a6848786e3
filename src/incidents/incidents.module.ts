import { Module } from '@nestjs/common';
import { IncidentController } from './incident.controller';
import { IncidentRepository } from './incident.repository';
import { IncidentService } from './incident.service';

/** The technician's "down now" list: cameras and stations not online, with a reason. */
@Module({
  controllers: [IncidentController],
  providers: [IncidentService, IncidentRepository],
})
export class IncidentsModule {}
