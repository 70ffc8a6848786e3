/** Planning's query, body and answer shapes. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsInt, IsNumber, IsOptional, IsString, Max, Min, ValidationArguments } from 'class-validator';
import { GapDto } from '../coverage/coverage.dto';

const got = (a: ValidationArguments) => JSON.stringify(a.value);
const numberMessage = (a: ValidationArguments) => `${a.property} must be a number, got ${got(a)}`;
/** Far beyond any province's camera budget; keeps the arithmetic exact in doubles. */
const MAX_VND = 1e15;

export class GapsQueryDto {
  @ApiPropertyOptional({ example: 500, description: 'shortest gap listed, metres (default 500)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(0, { message: (a) => `min_gap_m must be between 0 and 1000000, got ${got(a)}` })
  @Max(1_000_000, { message: (a) => `min_gap_m must be between 0 and 1000000, got ${got(a)}` })
  min_gap_m?: number;
}

export class ProposalRequestDto {
  @ApiProperty({ example: 500_000_000, description: 'money available, VND (> 0)' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(1, { message: (a) => `budget_vnd must be more than 0, got ${got(a)}` })
  @Max(MAX_VND, { message: (a) => `budget_vnd must be at most ${MAX_VND}, got ${got(a)}` })
  budget_vnd: number;

  @ApiPropertyOptional({ example: 21_500_000, description: "cost of one station, VND; default the province's average funding per station" })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(1, { message: (a) => `cost_per_station_vnd must be more than 0, got ${got(a)}` })
  @Max(MAX_VND, { message: (a) => `cost_per_station_vnd must be at most ${MAX_VND}, got ${got(a)}` })
  cost_per_station_vnd?: number;

  @ApiPropertyOptional({ example: 2, minimum: 1, maximum: 4, description: 'cameras per station (default 2: both ways along the road)' })
  @IsOptional()
  @IsInt({ message: (a) => `cameras_per_station must be a whole number from 1 to 4, got ${got(a)}` })
  @Min(1, { message: (a) => `cameras_per_station must be a whole number from 1 to 4, got ${got(a)}` })
  @Max(4, { message: (a) => `cameras_per_station must be a whole number from 1 to 4, got ${got(a)}` })
  cameras_per_station?: number;

  @ApiPropertyOptional({ example: ['QL1', 'QL62'], description: 'route refs stations may be placed on (default all)' })
  @IsOptional()
  @IsArray({ message: (a) => `routes must be a list of route refs, got ${got(a)}` })
  @ArrayNotEmpty({ message: 'routes must name at least one route when given' })
  @ArrayMaxSize(100)
  @IsString({ each: true, message: (a) => `routes must be a list of route refs, got ${got(a)}` })
  routes?: string[];

  @ApiPropertyOptional({ example: 90, description: 'field of view of each proposed camera, degrees (default 90)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(1, { message: (a) => `fov_deg must be between 1 and 360, got ${got(a)}` })
  @Max(360, { message: (a) => `fov_deg must be between 1 and 360, got ${got(a)}` })
  fov_deg?: number;

  @ApiPropertyOptional({ example: 90, description: 'range of each proposed camera, metres (default 90)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(1, { message: (a) => `range_m must be between 1 and 1000, got ${got(a)}` })
  @Max(1000, { message: (a) => `range_m must be between 1 and 1000, got ${got(a)}` })
  range_m?: number;
}

export class Commune2025Dto {
  @ApiProperty({ example: '27694' }) code: string;
  @ApiProperty({ example: 'Phường Long An' }) name: string;
  @ApiProperty({ enum: ['full', 'partial'], nullable: true, type: String, description: 'whether the whole old commune went into it' }) kind: string | null;
  @ApiProperty({ nullable: true, type: Number, description: "population of the 2025 commune (bando), not of the old one" }) population: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'area of the 2025 commune, km² (bando), not of the old one' }) area_km2: number | null;
}

export class UncoveredCommuneDto {
  @ApiProperty({ example: '27706' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String }) kind: string | null;
  @ApiProperty({ nullable: true, type: String }) district_code: string | null;
  @ApiProperty({ nullable: true, type: String }) district_name: string | null;
  @ApiProperty({ nullable: true, type: Number }) lat: number | null;
  @ApiProperty({ nullable: true, type: Number }) lon: number | null;
  @ApiProperty({ type: [Commune2025Dto], description: 'the July-2025 commune(s) it became part of, with their own figures' })
  communes_2025: Commune2025Dto[];
  @ApiProperty({ nullable: true, type: String, description: 'the main route nearest to the commune point' }) nearest_route_ref: string | null;
  @ApiProperty({ nullable: true, type: Number, description: 'distance from the commune point to that route, metres' }) nearest_route_distance_m: number | null;
}

export class RankedGapDto extends GapDto {
  @ApiProperty({ example: 'QL1' }) route_ref: string;
  @ApiProperty() route_name: string;
}

export class ProposedCameraDto {
  @ApiProperty() heading_deg: number;
  @ApiProperty() fov_deg: number;
  @ApiProperty() range_m: number;
}

export class ProposedStationDto {
  @ApiProperty() lat: number;
  @ApiProperty() lon: number;
  @ApiProperty({ nullable: true, type: String, description: '2019 commune: the nearest commune point within the district polygon holding the site' })
  commune_code: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'July-2025 commune whose boundary holds the site' }) commune_code_2025: string | null;
  @ApiProperty() route_ref: string;
  @ApiProperty({ description: 'chainage of the site on its route, metres' }) chainage_m: number;
  @ApiProperty({ type: [ProposedCameraDto] }) cameras: ProposedCameraDto[];
  @ApiProperty() cost_vnd: number;
  @ApiProperty({ description: 'route length this station newly covers, given the stations before it, metres' }) gain_m: number;
}

export class ProposalDto {
  @ApiProperty({ type: [ProposedStationDto], description: 'in the order the greedy planner chose them' }) stations: ProposedStationDto[];
  @ApiProperty() total_cost_vnd: number;
  @ApiProperty({ description: 'cost per station used, VND' }) cost_per_station_vnd: number;
  @ApiProperty({ description: 'installed coverage of all routes before, %' }) coverage_before_pct: number;
  @ApiProperty({ description: 'installed coverage of all routes with the proposed stations, %' }) coverage_after_pct: number;
}
