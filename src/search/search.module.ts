/** Incident search: cameras near a point at a time (DESIGN.md, "search"). */
import { Module } from '@nestjs/common';
import { StatusHistoryModule } from '../monitoring/status-history.module';
import { SearchCameraRepository } from './search-camera.repository';
import { SearchController } from './search.controller';
import { SearchService } from './search.service';

@Module({
  imports: [StatusHistoryModule],
  controllers: [SearchController],
  providers: [SearchCameraRepository, SearchService],
  exports: [SearchService],
})
export class SearchModule {}
