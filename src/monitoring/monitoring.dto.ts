import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsDateString, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';
import { MAINTENANCE_SCOPES, MaintenanceScope } from './maintenance.repository';
import { got } from '../common/dto-values';

const SCOPE_MESSAGE = (a: { value: unknown }) => `scope must be camera, station, commune or district, got ${got(a)}`;
const SCOPE_ID_MESSAGE = (a: { value: unknown }) => `scope_id must be a camera, station, commune or district code (A-Z, 0-9, "-"), got ${got(a)}`;
const REASON_MESSAGE = (a: { value: unknown }) => `reason must be text of at most 500 characters, got ${String(a.value).length} characters`;

export class CreateMaintenanceWindowDto {
  @ApiProperty({
    enum: MAINTENANCE_SCOPES,
    description: 'what the window covers: one camera, a station and its cameras, a commune (either layout) or a district',
  })
  @IsIn(MAINTENANCE_SCOPES as unknown as string[], { message: SCOPE_MESSAGE })
  scope: MaintenanceScope;

  @ApiProperty({ example: 'ST-0001-C1', description: 'the camera, station, commune or district code' })
  @IsString({ message: SCOPE_ID_MESSAGE })
  @Matches(/^[A-Z0-9-]{1,64}$/, { message: SCOPE_ID_MESSAGE })
  scope_id: string;

  @ApiProperty({ example: '2026-12-04T08:00:00+07:00', description: 'ISO 8601 start' })
  @IsDateString({ strict: true }, { message: (a) => `starts_at must be an ISO 8601 time, got ${got(a)}` })
  starts_at: string;

  @ApiProperty({ example: '2026-12-04T12:00:00+07:00', description: 'ISO 8601 end, after starts_at' })
  @IsDateString({ strict: true }, { message: (a) => `ends_at must be an ISO 8601 time, got ${got(a)}` })
  ends_at: string;

  @ApiPropertyOptional({ maxLength: 500, example: 'thay nguồn trạm' })
  @IsOptional()
  @IsString({ message: REASON_MESSAGE })
  @Length(0, 500, { message: REASON_MESSAGE })
  reason?: string;
}

/** PATCH: any field left out keeps its value; ends_at at or before now ends a window in force now. */
export class UpdateMaintenanceWindowDto {
  @ApiPropertyOptional({ enum: MAINTENANCE_SCOPES })
  @IsOptional()
  @IsIn(MAINTENANCE_SCOPES as unknown as string[], { message: SCOPE_MESSAGE })
  scope?: MaintenanceScope;

  @ApiPropertyOptional({ example: 'ST-0001' })
  @IsOptional()
  @IsString({ message: SCOPE_ID_MESSAGE })
  @Matches(/^[A-Z0-9-]{1,64}$/, { message: SCOPE_ID_MESSAGE })
  scope_id?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; only for a window that has not started' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: (a) => `starts_at must be an ISO 8601 time, got ${got(a)}` })
  starts_at?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; later extends, earlier shortens, at or before now ends a window in force now' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: (a) => `ends_at must be an ISO 8601 time, got ${got(a)}` })
  ends_at?: string;

  @ApiPropertyOptional({ maxLength: 500 })
  @IsOptional()
  @IsString({ message: REASON_MESSAGE })
  @Length(0, 500, { message: REASON_MESSAGE })
  reason?: string;
}

export class MaintenanceQueryDto {
  @ApiPropertyOptional({ description: 'only the windows in force now' })
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: (a) => `active must be true or false, got ${got(a)}` })
  active?: boolean;
}

export class HistoryQueryDto {
  @ApiPropertyOptional({ description: 'ISO 8601; default 7 days before `to`' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: (a) => `from must be an ISO 8601 time, got ${got(a)}` })
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601; default now' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: (a) => `to must be an ISO 8601 time, got ${got(a)}` })
  to?: string;
}
