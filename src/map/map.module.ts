/** What the map loads beyond the inventory's lists: its configuration, and the private cameras by viewport. */
import { Module } from '@nestjs/common';
import { InventoryModule } from '../inventory/inventory.module';
import { MapBaseService } from './map-base.service';
import { MapController } from './map.controller';
import { MapRepository } from './map.repository';
import { MapService } from './map.service';

@Module({
  imports: [InventoryModule],
  controllers: [MapController],
  providers: [MapRepository, MapService, MapBaseService],
})
export class MapModule {}
