/**
 * The inventory's input shapes. The same camera DTO validates API bodies and the
 * rows of an import file, so both give the same messages for the same mistakes.
 * Field names are the CSV header names (snake_case).
 */
import { ApiProperty, ApiPropertyOptional, PartialType, OmitType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsBoolean,
  IsDateString,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Length,
  Matches,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidationArguments,
} from 'class-validator';
import { Ownership, OWNERSHIPS } from './camera.entity';
import { CameraListView, CAMERA_LIST_VIEWS } from './camera.view';
import { AdminLayout, ADMIN_LAYOUTS } from './admin-unit.entity';
import { STATUSES } from '../domain/status';
import { got, toList } from '../common/dto-values';

const CODE = /^[A-Z0-9-]{1,64}$/;
const codeMessage = (a: ValidationArguments) => `${a.property} may hold only A-Z, 0-9 and "-" (1 to 64 characters), got ${got(a)}`;
const between = (lo: number, hi: number) => (a: ValidationArguments) => `${a.property} must be between ${lo} and ${hi}, got ${got(a)}`;
const numberMessage = (a: ValidationArguments) => `${a.property} must be a number, got ${got(a)}`;

export const CAMERA_FIELDS = [
  'code',
  'ownership',
  'station_code',
  'commune_code',
  'lat',
  'lon',
  'heading_deg',
  'fov_deg',
  'range_m',
  'ptz',
  'onvif_url',
  'onvif_user',
  'onvif_password',
  'vendor',
  'model',
  'owner_name',
  'owner_phone',
  'registered_on',
] as const;
export type CameraField = (typeof CAMERA_FIELDS)[number];

export class CameraInputDto {
  @ApiProperty({ example: 'ST-0001-C1' })
  @Matches(CODE, { message: codeMessage })
  code: string;

  @ApiProperty({ enum: OWNERSHIPS })
  @IsIn(OWNERSHIPS as unknown as string[], { message: (a) => `ownership must be one of ${OWNERSHIPS.join(', ')}, got ${got(a)}` })
  ownership: Ownership;

  @ApiPropertyOptional({ description: 'required for station cameras, empty for private ones' })
  @ValidateIf((o) => o.ownership === 'station' || (o.station_code !== undefined && o.station_code !== null))
  @Matches(CODE, { message: (a) => (a.value == null ? 'station_code is required for a station camera' : codeMessage(a)) })
  station_code?: string | null;

  @ApiPropertyOptional({
    example: '27685',
    description:
      "commune code in the 2019 layout; when left out, a station camera takes its station's commune and any other camera the commune found by its position",
  })
  @IsOptional()
  @Matches(/^[0-9]{5}$/, { message: (a) => `commune_code must be a 5-digit commune code, got ${got(a)}` })
  commune_code: string;

  @ApiProperty({ example: 10.54 })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(-90, { message: between(-90, 90) })
  @Max(90, { message: between(-90, 90) })
  lat: number;

  @ApiProperty({ example: 106.41 })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(-180, { message: between(-180, 180) })
  @Max(180, { message: between(-180, 180) })
  lon: number;

  @ApiProperty({ example: 90, description: 'degrees clockwise from north, 0 ≤ h < 360' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(0, { message: (a) => `heading_deg must be at least 0 and below 360, got ${got(a)}` })
  @Max(359.999999, { message: (a) => `heading_deg must be at least 0 and below 360, got ${got(a)}` })
  heading_deg: number;

  @ApiProperty({ example: 90 })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(1, { message: between(1, 360) })
  @Max(360, { message: between(1, 360) })
  fov_deg: number;

  @ApiProperty({ example: 80 })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(1, { message: between(1, 5000) })
  @Max(5000, { message: between(1, 5000) })
  range_m: number;

  @ApiPropertyOptional({ default: false })
  @IsOptional()
  @IsBoolean({ message: (a) => `ptz must be true or false, got ${got(a)}` })
  ptz?: boolean;

  @ApiPropertyOptional({ example: 'http://10.0.0.12/onvif/device_service' })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_tld: false, require_protocol: true }, { message: (a) => `onvif_url must be an http(s) URL, got ${got(a)}` })
  @Length(1, 2048)
  onvif_url?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 128)
  onvif_user?: string | null;

  @ApiPropertyOptional({ description: 'write-only: stored encrypted, never returned' })
  @IsOptional()
  @IsString()
  @Length(1, 256)
  onvif_password?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  vendor?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  model?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  owner_name?: string | null;

  @ApiPropertyOptional({ example: '0912345678' })
  @IsOptional()
  @Matches(/^[0-9+() .-]{6,20}$/, { message: (a) => `owner_phone must be a phone number (6-20 digits, + ( ) . -), got ${got(a)}` })
  owner_phone?: string | null;

  @ApiPropertyOptional({ example: '2022-05-01' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: (a) => `registered_on must be a date (YYYY-MM-DD), got ${got(a)}` })
  registered_on?: string | null;
}

export class UpdateCameraDto extends PartialType(OmitType(CameraInputDto, ['code'] as const)) {}

export class StationInputDto {
  @ApiProperty({ example: 'ST-0671' })
  @Matches(CODE, { message: codeMessage })
  code: string;

  @ApiProperty()
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ example: '27685' })
  @Matches(/^[0-9]{5}$/, { message: (a) => `commune_code must be a 5-digit commune code, got ${got(a)}` })
  commune_code: string;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(-90, { message: between(-90, 90) })
  @Max(90, { message: between(-90, 90) })
  lat: number;

  @ApiProperty()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(-180, { message: between(-180, 180) })
  @Max(180, { message: between(-180, 180) })
  lon: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 32)
  route_ref?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsDateString({ strict: true }, { message: (a) => `installed_on must be a date (YYYY-MM-DD), got ${got(a)}` })
  installed_on?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsInt({ message: (a) => `funding_vnd must be a whole number of VND, got ${got(a)}` })
  @Min(0)
  @Max(1e13)
  funding_vnd?: number;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  funding_source?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  uplink?: string | null;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  notes?: string | null;
}

export class UpdateStationDto extends PartialType(OmitType(StationInputDto, ['code'] as const)) {}

export class CursorQueryDto {
  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @Matches(/^[0-9]{1,10}$/, { message: 'cursor must be the next_cursor of a previous page' })
  cursor?: string;
}

export class PageQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({ default: 100, maximum: 5000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(5000)
  limit?: number;
}

/** Pages of the full view stay at most 5000 cameras; the map view's rows are small enough to take the province in one. */
export const CAMERA_PAGE_MAX = 5000;
export const CAMERA_MAP_PAGE_MAX = 25000;

const limitMax = (a: ValidationArguments) => ((a.object as CameraQueryDto).view === 'map' ? CAMERA_MAP_PAGE_MAX : CAMERA_PAGE_MAX);

export class CameraQueryDto extends CursorQueryDto {
  @ApiPropertyOptional({
    default: 100,
    minimum: 1,
    maximum: CAMERA_MAP_PAGE_MAX,
    description: `at most ${CAMERA_PAGE_MAX}, or ${CAMERA_MAP_PAGE_MAX} with view=map`,
  })
  @IsOptional()
  @Type(() => Number)
  @ValidateBy({
    name: 'cameraPageLimit',
    validator: {
      validate: (value, a) => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= limitMax(a!),
      defaultMessage: (a) => {
        const range = `limit must be a whole number from 1 to ${limitMax(a!)}${(a!.object as CameraQueryDto).view === 'map' ? ' with view=map' : ` (or up to ${CAMERA_MAP_PAGE_MAX} with view=map)`}`;
        // A non-number query value arrives as NaN, which would print as "null".
        return Number.isNaN(a!.value) ? range : `${range}, got ${got(a!)}`;
      },
    },
  })
  limit?: number;

  @ApiPropertyOptional({
    enum: CAMERA_LIST_VIEWS,
    default: 'full',
    description:
      'full: {items: [camera], next_cursor}. map: {columns, rows, next_cursor}, each row the values of `columns` in order ' +
      '(code, ownership, station_code, commune_code, lat, lon, heading_deg, fov_deg, range_m, status) — what the map draws and filters by; ' +
      'never owner contacts. Same filters and cursor pages as full.',
  })
  @IsOptional()
  @IsIn(CAMERA_LIST_VIEWS as unknown as string[], { message: (a) => `view must be one of ${CAMERA_LIST_VIEWS.join(', ')}, got ${got(a)}` })
  view?: CameraListView;

  @ApiPropertyOptional() @IsOptional() @Matches(/^[0-9]{5}$/, { message: 'commune must be a 5-digit commune code' }) commune?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[0-9]{3}$/, { message: 'district must be a 3-digit district code' }) district?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(CODE, { message: codeMessage }) station?: string;

  @ApiPropertyOptional({ description: 'comma-separated: station,citizen,business,household' })
  @IsOptional()
  @Transform(toList)
  @IsIn(OWNERSHIPS as unknown as string[], { each: true, message: `ownership must be among ${OWNERSHIPS.join(', ')}` })
  ownership?: Ownership[];

  @ApiPropertyOptional({ description: 'comma-separated statuses' })
  @IsOptional()
  @Transform(toList)
  @IsIn(STATUSES, { each: true, message: `status must be among ${STATUSES.join(', ')}` })
  status?: string[];

  @ApiPropertyOptional({ description: 'minLon,minLat,maxLon,maxLat' })
  @IsOptional()
  @Matches(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?$/, { message: 'bbox must be minLon,minLat,maxLon,maxLat' })
  bbox?: string;

  @ApiPropertyOptional({ description: 'include retired cameras' })
  @IsOptional()
  @Transform(({ value }) => value === 'true' || value === true)
  @IsBoolean()
  retired?: boolean;
}

export class StationQueryDto extends PageQueryDto {
  @ApiPropertyOptional() @IsOptional() @Matches(/^[0-9]{5}$/, { message: 'commune must be a 5-digit commune code' }) commune?: string;
  @ApiPropertyOptional() @IsOptional() @Matches(/^[0-9]{3}$/, { message: 'district must be a 3-digit district code' }) district?: string;
}

export class LayoutQueryDto {
  @ApiPropertyOptional({ enum: ADMIN_LAYOUTS, default: '2019' })
  @IsOptional()
  @IsIn(ADMIN_LAYOUTS as unknown as string[], { message: `layout must be one of ${ADMIN_LAYOUTS.join(', ')}` })
  layout?: AdminLayout;
}

export class AdminUnitQueryDto extends LayoutQueryDto {
  @ApiPropertyOptional({ enum: ['province', 'district', 'commune'] })
  @IsOptional()
  @IsIn(['province', 'district', 'commune'])
  level?: 'province' | 'district' | 'commune';

  @ApiPropertyOptional() @IsOptional() @Matches(/^[0-9]{2,5}$/) parent?: string;
}

/**
 * `GET /api/export/cameras.{csv,geojson}`. Police exports carry owners' contacts,
 * so a police officer must name the case and the area (bbox, commune or
 * district) it concerns; the export is audited with both.
 */
export class ExportQueryDto {
  @ApiPropertyOptional({ description: 'case reference: required for police, recorded in the audit', example: 'VV-2025-0142' })
  @IsOptional()
  @IsString()
  @Length(1, 100, { message: (a) => `case_ref must be 1 to 100 characters, got ${got(a)}` })
  case_ref?: string;

  @ApiPropertyOptional({ description: 'minLon,minLat,maxLon,maxLat' })
  @IsOptional()
  @Matches(/^-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?,-?\d+(\.\d+)?$/, { message: 'bbox must be minLon,minLat,maxLon,maxLat' })
  bbox?: string;

  @ApiPropertyOptional({ description: '5-digit commune code (2019 layout)' })
  @IsOptional()
  @Matches(/^[0-9]{5}$/, { message: 'commune must be a 5-digit commune code' })
  commune?: string;

  @ApiPropertyOptional({ description: '3-digit district code' })
  @IsOptional()
  @Matches(/^[0-9]{3}$/, { message: 'district must be a 3-digit district code' })
  district?: string;
}
