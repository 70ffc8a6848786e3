/**
 * The incident search's query and answer shapes (DESIGN.md, "Shapes"): the map
 * and the CSV export for case files rely on these field names.
 */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsNumber, IsOptional, IsString, Length, Max, Min, ValidationArguments } from 'class-validator';
import { OWNERSHIPS, Ownership } from '../inventory/camera.entity';
import { STATUSES, Status } from '../domain/status';
import { UNKNOWN_REASONS, UnknownReason } from './recording';
import { got } from '../common/dto-values';

const between =
  (lo: number, hi: number, unit = '') =>
  (a: ValidationArguments) =>
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

  @ApiPropertyOptional({
    example: '2025-03-01T21:30',
    description:
      'time of the incident (ISO 8601); default now. Without an offset it is Long An local time (UTC+7, Asia/Ho_Chi_Minh): 2025-03-01T21:30 is 21:30 in Long An, the same as 2025-03-01T21:30:00+07:00 or 2025-03-01T14:30:00Z.',
  })
  @IsOptional()
  @IsISO8601({ strict: true }, { message: (a) => `at must be an ISO 8601 date-time such as 2025-03-01T21:30:00+07:00, got ${got(a)}` })
  at?: string;

  @ApiProperty({ example: 'VV-2025-0142', description: 'case reference, required for every search (it is audited with the search)' })
  @IsOptional() // its absence is answered by the service, which audits the refused search
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
  @ApiProperty({ description: 'geometry only: whether the point lay in range and in the field of view with heading_at' }) sees_point: boolean;
  @ApiProperty({
    nullable: true,
    type: Boolean,
    description:
      'likely recorded: true when the camera saw the point and was working at `at` (online, or degraded only for clock drift or a turn that still covers the point); false when it did not see the point or was offline or had a picture fault; null when unknown (never monitored, no history then, in maintenance, or degraded for another reason)',
  })
  recorded: boolean | null;
  @ApiProperty({
    enum: UNKNOWN_REASONS,
    nullable: true,
    description:
      "why recorded is null (null otherwise): camnet_not_watching — camnet itself was not watching at `at` (stopped, see not_watching), so no camera's status then is known; no_history — the camera had no status history then; maintenance; video_unknown — it answered, but its video state is unknown (e.g. refused credentials)",
  })
  unknown_reason: UnknownReason | null;
  @ApiProperty({ enum: STATUSES, description: 'status in force at `at` (last transition at or before it; unknown while camnet was not watching)' })
  status_at: Status;
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

export class NearCountsDto {
  @ApiProperty() cameras: number;
  @ApiProperty({ description: 'cameras whose field of view held the point' }) sees_point: number;
  @ApiProperty({ description: 'recorded = true' }) recorded: number;
  @ApiProperty({ description: 'saw the point but recorded = false (offline or a picture fault)' }) not_recorded: number;
  @ApiProperty({ description: 'recorded = null' }) unknown: number;
}

export class NotWatchingDto {
  @ApiProperty({ description: 'camnet stopped watching at (its last sign of life, or its clean stop), ISO 8601 (UTC)' }) from: string;
  @ApiProperty({ nullable: true, type: String, description: 'camnet watched again from, ISO 8601 (UTC); null: not since' }) to: string | null;
}

export class NearResultDto {
  @ApiProperty({ description: 'the time searched, ISO 8601 (UTC)' }) at: string;
  @ApiProperty({ description: 'the time searched, Long An local time with its offset (+07:00)' }) at_local: string;
  @ApiProperty({ type: NearPointDto }) point: NearPointDto;
  @ApiProperty() radius_m: number;
  @ApiProperty() case_ref: string;
  @ApiProperty({ type: NearCountsDto }) counts: NearCountsDto;
  @ApiProperty({
    type: NotWatchingDto,
    nullable: true,
    description:
      "set when camnet itself was not watching at `at`: every camera's status then is unknown (recorded null, unknown_reason camnet_not_watching); sees_point uses the last recorded heading",
  })
  not_watching: NotWatchingDto | null;
  @ApiProperty({ type: [NearCameraDto], description: 'likely recorded first, then unknown, then not recording; nearest first within each' })
  cameras: NearCameraDto[];
}
