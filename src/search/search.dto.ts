/**
 * The incident search's query and answer shapes (DESIGN.md, "Shapes"): the map
 * and the CSV export for case files rely on these field names.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsNumber, IsOptional, IsString, Length, Max, Min, ValidationArguments } from 'class-validator';
import { OWNERSHIPS, Ownership } from '../inventory/camera.entity';
import { STATUSES, Status } from '../monitoring/status';

const got = (a: ValidationArguments) => JSON.stringify(a.value);
const between = (lo: number, hi: number, unit = '') => (a: ValidationArguments) =>
  `${a.property} must be between ${lo} and ${hi}${unit}, got ${got(a)}`;
const numberMessage = (a: ValidationArguments) => `${a.property} must be a number, got ${got(a)}`;

export const MAX_SEARCH_RADIUS_M = 5000;

export class NearQueryDto {
  @ApiProperty({ example: 10.5431, description: 'latitude of the incident, degrees' })
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(-90, { message: between(-90, 90) })
  @Max(90, { message: between(-90, 90) })
  lat: number;

  @ApiProperty({ example: 106.4072, description: 'longitude of the incident, degrees' })
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(-180, { message: between(-180, 180) })
  @Max(180, { message: between(-180, 180) })
  lon: number;

  @ApiProperty({ example: 300, minimum: 1, maximum: MAX_SEARCH_RADIUS_M })
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(1, { message: between(1, MAX_SEARCH_RADIUS_M, ' m') })
  @Max(MAX_SEARCH_RADIUS_M, { message: between(1, MAX_SEARCH_RADIUS_M, ' m') })
  radius_m: number;

  @ApiPropertyOptional({ example: '2025-03-01T21:30:00+07:00', description: 'time of the incident (ISO 8601); default now' })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: (a) => `at must be an ISO 8601 date-time such as 2025-03-01T21:30:00+07:00, got ${got(a)}` })
  at?: string;

  @ApiPropertyOptional({ example: 'VV-2025-0142', description: 'case reference; required for police' })
  @IsOptional()
  @IsString()
  @Length(1, 100, { message: (a) => `case_ref must be 1 to 100 characters, got ${got(a)}` })
  case_ref?: string;
}

export class OwnerDto {
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ nullable: true, type: String }) phone: string | null;
}

export class NearCameraDto {
  @ApiProperty() code: string;
  @ApiProperty({ enum: OWNERSHIPS }) ownership: Ownership;
  @ApiProperty() lat: number;
  @ApiProperty() lon: number;
  @ApiProperty({ description: 'great-circle distance from the point, metres' }) distance_m: number;
  @ApiProperty({ description: 'whether the point lay in the field of view with heading_at' }) sees_point: boolean;
  @ApiProperty({ enum: STATUSES, description: 'status in force at `at` (last transition at or before it)' }) status_at: Status;
  @ApiProperty({ description: 'heading in force at `at` (orientation history, else the registered heading)' }) heading_at: number;
  @ApiProperty({ description: 'field of view, degrees' }) fov_deg: number;
  @ApiProperty({ description: 'range, metres' }) range_m: number;
  @ApiProperty({ type: OwnerDto, nullable: true, description: 'private owners only, and only for police and admin' })
  owner: OwnerDto | null;
}

export class NearPointDto {
  @ApiProperty() lat: number;
  @ApiProperty() lon: number;
}

export class NearResultDto {
  @ApiProperty({ description: 'the time searched, ISO 8601 (UTC)' }) at: string;
  @ApiProperty({ type: NearPointDto }) point: NearPointDto;
  @ApiProperty() radius_m: number;
  @ApiProperty({ type: [NearCameraDto], description: 'nearest first' }) cameras: NearCameraDto[];
}
