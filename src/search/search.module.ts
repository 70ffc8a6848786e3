/** Incident search: cameras near a point at a time (DESIGN.md, "search"). */
import { Module } from '@nestjs/common';
import { CameraHistoryRepository } from './camera-history.repository';
import { SearchController } from './search.controller';
import { SearchService } from './search.service';

@Module({
  controllers: [SearchController],
  providers: [CameraHistoryRepository, SearchService],
  exports: [SearchService],
})
export class SearchModule {}
