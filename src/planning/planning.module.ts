/** Uncovered communes, route gaps and station proposals for a budget (DESIGN.md, "planning"). */
import { Module } from '@nestjs/common';
import { CoverageModule } from '../coverage/coverage.module';
import { PlanningController } from './planning.controller';
import { PlanningRepository } from './planning.repository';
import { PlanningService } from './planning.service';

@Module({
  imports: [CoverageModule],
  controllers: [PlanningController],
  providers: [PlanningRepository, PlanningService],
})
export class PlanningModule {}
