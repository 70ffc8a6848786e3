import { Module } from '@nestjs/common';
import { CameraController } from './camera.controller';
import { CameraExportService } from './camera-export.service';
import { CameraImportService } from './camera-import.service';
import { CameraService } from './camera.service';
import { CameraWriter } from './camera.writer';
import { CommuneLocator } from './commune-locator';
import { DriftController } from './drift.controller';
import { DriftRepository } from './drift.repository';
import { DriftService } from './drift.service';
import { GeoDataController } from './geo-data.controller';
import { GeoDataService } from './geo-data.service';
import { ImportExportController } from './import-export.controller';
import { StationController } from './station.controller';
import { StationService } from './station.service';
import { SummaryService } from './summary.service';

/** Administrative units, routes, stations, cameras and road signs; import and export. */
@Module({
  controllers: [CameraController, StationController, GeoDataController, ImportExportController, DriftController],
  providers: [
    CameraService,
    CameraWriter,
    CommuneLocator,
    StationService,
    GeoDataService,
    SummaryService,
    CameraImportService,
    CameraExportService,
    DriftService,
    DriftRepository,
  ],
  exports: [GeoDataService],
})
export class InventoryModule {}
