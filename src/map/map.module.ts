/** What the map loads beyond the inventory's lists: its configuration, and the private cameras by viewport. */
import { Module } from '@nestjs/common';
import { MapController } from './map.controller';
import { MapRepository } from './map.repository';
import { MapService } from './map.service';

@Module({
  controllers: [MapController],
  providers: [MapRepository, MapService],
})
export class MapModule {}
