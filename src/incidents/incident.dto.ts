import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { REASON_CODES } from '../common/status-reason';
import { got, toList } from '../common/dto-values';

/** The statuses that count as an incident: everything but online. */
export const INCIDENT_STATUSES = ['offline', 'degraded', 'maintenance', 'unknown'] as const;
export const INCIDENT_SORTS = ['since', 'district', 'commune', 'station'] as const;
export type IncidentSort = (typeof INCIDENT_SORTS)[number];

export class IncidentQueryDto {
  @ApiPropertyOptional({
    description: 'comma-separated statuses; default offline,degraded,maintenance (unknown = monitored but never judged)',
    example: 'offline,degraded',
  })
  @IsOptional()
  @Transform(toList)
  @IsIn(INCIDENT_STATUSES as unknown as string[], { each: true, message: (a) => `status must be among ${INCIDENT_STATUSES.join(', ')}, got ${got(a)}` })
  status?: string[];

  @ApiPropertyOptional({ description: `comma-separated reason codes (${REASON_CODES.join(', ')})`, example: 'station_down,offline_timeout' })
  @IsOptional()
  @Transform(toList)
  @IsIn(REASON_CODES as unknown as string[], { each: true, message: (a) => `reason must be among ${REASON_CODES.join(', ')}, got ${got(a)}` })
  reason?: string[];

  @ApiPropertyOptional({ description: 'district code (2019 layout)', example: '794' })
  @IsOptional()
  @Matches(/^[0-9]{1,8}$/, { message: (a) => `district must be a district code (digits), got ${got(a)}` })
  district?: string;

  @ApiPropertyOptional({ description: 'commune code, 2019 or July-2025 layout', example: '27700' })
  @IsOptional()
  @Matches(/^[0-9]{1,8}$/, { message: (a) => `commune must be a commune code (digits), got ${got(a)}` })
  commune?: string;

  @ApiPropertyOptional({ description: 'station code: the station and its cameras', example: 'ST-0010' })
  @IsOptional()
  @Matches(/^[A-Z0-9-]{1,64}$/, { message: (a) => `station must be a station code (A-Z, 0-9, "-"), got ${got(a)}` })
  station?: string;

  @ApiPropertyOptional({ enum: ['camera', 'station'], description: 'only cameras or only stations; default both' })
  @IsOptional()
  @IsIn(['camera', 'station'], { message: (a) => `subject must be camera or station, got ${got(a)}` })
  subject?: 'camera' | 'station';

  @ApiPropertyOptional({
    enum: INCIDENT_SORTS,
    default: 'since',
    description: 'since: longest down first (order=desc: newest first); district, commune, station: by place, then since',
  })
  @IsOptional()
  @IsIn(INCIDENT_SORTS as unknown as string[], { message: (a) => `sort must be one of ${INCIDENT_SORTS.join(', ')}, got ${got(a)}` })
  sort?: IncidentSort;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'asc' })
  @IsOptional()
  @IsIn(['asc', 'desc'], { message: (a) => `order must be asc or desc, got ${got(a)}` })
  order?: 'asc' | 'desc';

  @ApiPropertyOptional({ minimum: 1, maximum: 5000, default: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: (a) => `limit must be an integer, got ${got(a)}` })
  @Min(1, { message: (a) => `limit must be between 1 and 5000, got ${got(a)}` })
  @Max(5000, { message: (a) => `limit must be between 1 and 5000, got ${got(a)}` })
  limit?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: (a) => `offset must be an integer, got ${got(a)}` })
  @Min(0, { message: (a) => `offset must be 0 or more, got ${got(a)}` })
  offset?: number;
}
