/** Planning's query, body and answer shapes. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayNotEmpty, IsArray, IsIn, IsInt, IsNumber, IsObject, IsOptional, IsString, Max, Min, ValidationArguments } from 'class-validator';
import { GapDto } from '../coverage/coverage.dto';
import { PLANNING_OBJECTIVES, type PlanningObjective, type ProposalReason } from '../geo';
import { got } from '../common/dto-values';

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

  @ApiPropertyOptional({
    example: 3,
    minimum: 1,
    maximum: 4,
    description:
      "cameras per station (default the province's own ratio, cameras of stations / stations, rounded: 1,696 / 670 → 3): both ways along the road, then across",
  })
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

  @ApiPropertyOptional({
    enum: PLANNING_OBJECTIVES,
    description:
      'route_metres (default): most newly covered route metres per VND. communes_first: first one station for each commune without one (on a main route through it where there is one, else near its centre), then route gaps',
  })
  @IsOptional()
  @IsIn(PLANNING_OBJECTIVES as unknown as string[], { message: (a) => `objective must be one of ${PLANNING_OBJECTIVES.join(', ')}, got ${got(a)}` })
  objective?: PlanningObjective;

  @ApiPropertyOptional({
    example: { QL1: 2, 'QL N1': 3 },
    description: 'priority of new metres per route ref, 0 to 100 (default 1 each); a stretch two routes share takes the higher',
    type: 'object',
    additionalProperties: { type: 'number' },
  })
  @IsOptional()
  @IsObject({ message: (a) => `route_weights must be an object of route ref → weight, got ${got(a)}` })
  route_weights?: Record<string, number>;

  @ApiPropertyOptional({ example: 500, description: 'no two proposed stations closer than this, metres, 0 to 20000 (default 500)' })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(0, { message: (a) => `min_spacing_m must be between 0 and 20000, got ${got(a)}` })
  @Max(20_000, { message: (a) => `min_spacing_m must be between 0 and 20000, got ${got(a)}` })
  min_spacing_m?: number;

  @ApiPropertyOptional({
    example: 0.5,
    description:
      "diminishing returns: a site's score is multiplied by this for each station already proposed in its commune, above 0 up to 1 (default 0.5; 1 turns it off)",
  })
  @IsOptional()
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: numberMessage })
  @Min(0.01, { message: (a) => `commune_decay must be between 0.01 and 1, got ${got(a)}` })
  @Max(1, { message: (a) => `commune_decay must be between 0.01 and 1, got ${got(a)}` })
  commune_decay?: number;

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
  @ApiProperty({ nullable: true, type: Number, description: 'population of the 2025 commune (bando), not of the old one' }) population: number | null;
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
  @ApiProperty({ type: [String], description: 'every route on this stretch of road (two where routes share it; the gap is listed once, under the first)' })
  route_refs: string[];
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
  @ApiProperty({ description: 'the order the planner chose it in, from 1 (the map draws this number)' }) rank: number;
  @ApiProperty({ nullable: true, type: String, description: 'the route the site is on; null for a station near the centre of a commune no route passes' })
  route_ref: string | null;
  @ApiProperty({ type: [String], description: 'every route passing the site (both where two routes share the road)' }) route_refs: string[];
  @ApiProperty({ nullable: true, type: Number, description: 'chainage of the site on route_ref, metres' }) chainage_m: number | null;
  @ApiProperty({ enum: ['uncovered_commune', 'route_gap'], description: 'why it is there: a commune without a station (communes_first), or a route gap' })
  reason: ProposalReason;
  @ApiProperty({ type: [ProposedCameraDto] }) cameras: ProposedCameraDto[];
  @ApiProperty() cost_vnd: number;
  @ApiProperty({ description: 'network length this station newly covers, given the stations before it, metres (a stretch two routes share counts once)' })
  gain_m: number;
}

export class RoutePlanDto {
  @ApiProperty() ref: string;
  @ApiProperty({ description: "the route's own length, metres" }) length_m: number;
  @ApiProperty({ description: 'installed coverage before, %' }) pct_before: number;
  @ApiProperty({ description: 'with the proposed stations, %' }) pct_after: number;
}

export class ProposalDto {
  @ApiProperty({ type: [ProposedStationDto], description: 'in the order the greedy planner chose them' }) stations: ProposedStationDto[];
  @ApiProperty() total_cost_vnd: number;
  @ApiProperty({ description: 'cost per station used, VND' }) cost_per_station_vnd: number;
  @ApiProperty({ description: 'cameras per station used' }) cameras_per_station: number;
  @ApiProperty({ enum: PLANNING_OBJECTIVES }) objective: PlanningObjective;
  @ApiProperty({ description: 'minimum spacing used, metres' }) min_spacing_m: number;
  @ApiProperty({ description: 'commune decay used' }) commune_decay: number;
  @ApiProperty({ description: 'length of the route network, metres, each shared stretch once' }) network_length_m: number;
  @ApiProperty({ description: 'network metres covered (installed) before' }) covered_before_m: number;
  @ApiProperty({ description: 'network metres covered with the proposed stations' }) covered_after_m: number;
  @ApiProperty({ description: 'installed coverage of the route network before, %' }) coverage_before_pct: number;
  @ApiProperty({ description: 'installed coverage of the route network with the proposed stations, %' }) coverage_after_pct: number;
  @ApiProperty({ description: 'communes without a station before, and how many of them the proposal reaches' }) uncovered_communes_before: number;
  @ApiProperty() uncovered_communes_reached: number;
  @ApiProperty({ type: [RoutePlanDto], description: 'per route, its own length and coverage (a shared stretch counts for each of its routes)' })
  routes: RoutePlanDto[];
}
