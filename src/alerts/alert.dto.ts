import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ALERT_STATES, AlertState } from './alert.service';

export class AlertQueryDto {
  @ApiPropertyOptional({ enum: ALERT_STATES, description: 'open: not acknowledged nor resolved; acked: acknowledged, not resolved; omitted: all' })
  @IsOptional()
  @IsIn(ALERT_STATES as unknown as string[], { message: `state must be one of ${ALERT_STATES.join(', ')}` })
  state?: AlertState;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}
