import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';

export class ReferenceQueryDto {
  @ApiPropertyOptional({ enum: ['day', 'night'], description: 'which light; default the day reference, else the night one' })
  @IsOptional()
  @IsIn(['day', 'night'], { message: 'slot must be day or night' })
  slot?: 'day' | 'night';
}
