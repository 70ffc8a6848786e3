/** The map's query shapes. Field names and limits here are those the map's own client code sends. */
import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import { MAP_STATUSES, PRIVATE_OWNERSHIPS } from './camera-cluster.index';
import { got, toList } from '../common/dto-values';

/** The deepest zoom the map offers (Leaflet's maxZoom in web/app.js). */
export const MAP_MAX_ZOOM = 19;

export class MapViewQueryDto {
  @ApiProperty({ example: '106.3,10.5,106.5,10.6', description: 'the viewport: west,south,east,north in degrees (WGS 84)' })
  @Matches(/^\s*-?\d+(\.\d+)?\s*(,\s*-?\d+(\.\d+)?\s*){3}$/, { message: (a) => `bbox must be west,south,east,north in degrees, got ${got(a)}` })
  bbox: string;

  @ApiProperty({ example: 12, minimum: 0, maximum: MAP_MAX_ZOOM, description: 'the map zoom (whole number): clusters up to 15, single cameras from 16' })
  @Type(() => Number)
  @IsInt({ message: (a) => `zoom must be a whole number from 0 to ${MAP_MAX_ZOOM}, got ${got(a)}` })
  @Min(0, { message: (a) => `zoom must be a whole number from 0 to ${MAP_MAX_ZOOM}, got ${got(a)}` })
  @Max(MAP_MAX_ZOOM, { message: (a) => `zoom must be a whole number from 0 to ${MAP_MAX_ZOOM}, got ${got(a)}` })
  zoom: number;

  @ApiPropertyOptional({ description: `comma-separated among ${PRIVATE_OWNERSHIPS.join(', ')}; default all` })
  @IsOptional()
  @Transform(toList)
  @IsIn(PRIVATE_OWNERSHIPS as unknown as string[], { each: true, message: (a) => `ownership must be among ${PRIVATE_OWNERSHIPS.join(', ')}, got ${got(a)}` })
  ownership?: string[];

  @ApiPropertyOptional({ description: `comma-separated among ${MAP_STATUSES.join(', ')}; default all` })
  @IsOptional()
  @Transform(toList)
  @IsIn(MAP_STATUSES as unknown as string[], { each: true, message: (a) => `status must be among ${MAP_STATUSES.join(', ')}, got ${got(a)}` })
  status?: string[];

  @ApiPropertyOptional({ description: '3-digit district code (2019 layout)' })
  @IsOptional()
  @Matches(/^[0-9]{3}$/, { message: (a) => `district must be a 3-digit district code, got ${got(a)}` })
  district?: string;

  @ApiPropertyOptional({ description: '5-digit commune code (2019 layout)' })
  @IsOptional()
  @Matches(/^[0-9]{5}$/, { message: (a) => `commune must be a 5-digit commune code, got ${got(a)}` })
  commune?: string;
}
