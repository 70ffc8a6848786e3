/** Installed and effective coverage of routes and communes (DESIGN.md, "coverage"). */
import { Module } from '@nestjs/common';
import { CoverageController } from './coverage.controller';
import { CoverageRepository } from './coverage.repository';
import { CoverageService } from './coverage.service';

@Module({
  controllers: [CoverageController],
  providers: [CoverageRepository, CoverageService],
  exports: [CoverageService, CoverageRepository],
})
export class CoverageModule {}
