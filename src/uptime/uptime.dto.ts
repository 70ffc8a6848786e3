import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { BREAKDOWN_BY, BreakdownBy } from './uptime-breakdown.service';
import { Layout, UPTIME_SCOPES, UptimeScope } from './uptime.service';

/** The period and layout every uptime query shares. */
class UptimeWindowDto {
  @ApiPropertyOptional({ description: 'ISO 8601 start (inclusive); default: 24 hours before `to`' })
  @IsOptional()
  @IsString()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601 end (exclusive); default and latest: now' })
  @IsOptional()
  @IsString()
  to?: string;

  @ApiPropertyOptional({ enum: ['2019', '2025-07'], description: 'layout of a commune code (default 2019)' })
  @IsOptional()
  @IsIn(['2019', '2025-07'], { message: 'layout must be 2019 or 2025-07' })
  layout?: Layout;
}

export class UptimeQueryDto extends UptimeWindowDto {
  @ApiProperty({ enum: UPTIME_SCOPES })
  @IsIn(UPTIME_SCOPES as unknown as string[], { message: `scope must be one of ${UPTIME_SCOPES.join(', ')}` })
  scope: UptimeScope;

  @ApiProperty({ description: 'camera or station code, or commune or district code', example: '27694' })
  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,64}$/, { message: 'code must be 1 to 64 letters, digits or "-"' })
  code: string;
}

const GROUP_SCOPES = ['station', 'commune', 'district'] as const;

export class UptimeBreakdownQueryDto extends UptimeWindowDto {
  @ApiProperty({ enum: BREAKDOWN_BY, description: 'one row per district, commune, station or camera, the worst first' })
  @IsIn(BREAKDOWN_BY as unknown as string[], { message: `by must be one of ${BREAKDOWN_BY.join(', ')}` })
  by: BreakdownBy;

  @ApiPropertyOptional({ enum: GROUP_SCOPES, description: 'limit the report to one station, commune or district (with code); default the whole province' })
  @IsOptional()
  @IsIn(GROUP_SCOPES as unknown as string[], { message: `scope must be one of ${GROUP_SCOPES.join(', ')}` })
  scope?: (typeof GROUP_SCOPES)[number];

  @ApiPropertyOptional({ description: 'the station, commune or district code (with scope)', example: '794' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9-]{1,64}$/, { message: 'code must be 1 to 64 letters, digits or "-"' })
  code?: string;
}
