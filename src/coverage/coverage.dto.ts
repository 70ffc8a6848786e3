/** Coverage query and answer shapes (DESIGN.md, "Shapes"): the map relies on these names. */
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayNotEmpty, IsArray, IsIn, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { ADMIN_LAYOUTS, AdminLayout } from '../inventory/admin-unit.entity';
import { OWNERSHIPS, Ownership } from '../inventory/camera.entity';
import { got } from '../common/dto-values';


/** `a,b` or repeated `?x=a&x=b` → ['a', 'b']. */
export const commaList = ({ value }: { value: unknown }) =>
  value === undefined ? undefined : (Array.isArray(value) ? value : [value]).flatMap((v) => String(v).split(',')).map((v) => v.trim()).filter((v) => v !== '');

export class OwnershipFilterDto {
  @ApiPropertyOptional({ example: 'station,citizen', description: `comma-separated: ${OWNERSHIPS.join(', ')} (default all)`, type: String })
  @IsOptional()
  @Transform(commaList)
  @IsArray()
  @ArrayNotEmpty({ message: `ownership must name at least one of ${OWNERSHIPS.join(', ')}` })
  @IsIn(OWNERSHIPS as unknown as string[], { each: true, message: (a) => `ownership must be a comma-separated list of ${OWNERSHIPS.join(', ')}, got ${got(a)}` })
  ownership?: Ownership[];
}

export class RouteCoverageQueryDto extends OwnershipFilterDto {
  @ApiPropertyOptional({ example: 500, description: 'shortest gap reported, metres (default 500)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: (a) => `min_gap_m must be a number, got ${got(a)}` })
  @Min(0, { message: (a) => `min_gap_m must be between 0 and 1000000, got ${got(a)}` })
  @Max(1_000_000, { message: (a) => `min_gap_m must be between 0 and 1000000, got ${got(a)}` })
  min_gap_m?: number;
}

export class CommuneCoverageQueryDto extends OwnershipFilterDto {
  @ApiPropertyOptional({ enum: ADMIN_LAYOUTS, description: "'2019' (the report's 192 communes, default) or '2025-07' (the 60 communes with boundaries)" })
  @IsOptional()
  @IsIn(ADMIN_LAYOUTS, { message: (a) => `layout must be one of ${ADMIN_LAYOUTS.join(', ')}, got ${got(a)}` })
  layout?: AdminLayout;
}

export class CoveredDto {
  @ApiProperty({ description: 'metres of the route seen by at least one camera' }) covered_m: number;
  @ApiProperty({ description: 'covered_m / length_m × 100' }) pct: number;
}

export class LineStringDto {
  @ApiProperty({ enum: ['LineString'] }) type: 'LineString';
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } }, description: '[lon, lat] pairs' })
  coordinates: [number, number][];
}

export class GapDto {
  @ApiProperty({ description: 'chainage from the first vertex, metres' }) from_m: number;
  @ApiProperty() to_m: number;
  @ApiProperty() length_m: number;
  @ApiProperty({ type: LineStringDto }) geometry: LineStringDto;
}

export class RouteCoverageDto {
  @ApiProperty({ example: 'QL1' }) ref: string;
  @ApiProperty() name: string;
  @ApiProperty() length_m: number;
  @ApiProperty({ type: CoveredDto, description: 'every camera not retired, with its registered heading' }) installed: CoveredDto;
  @ApiProperty({ type: CoveredDto, description: 'monitored cameras online (or degraded) now, with their last known heading' }) online_monitored: CoveredDto;
  @ApiProperty({ type: CoveredDto, deprecated: true, description: 'the old name of online_monitored, kept for one release' }) effective: CoveredDto;
  @ApiProperty({
    type: CoveredDto,
    description: "registered private cameras (citizen, business, household) with their registered heading: camnet does not monitor them, so this is their installed share",
  })
  private_registered: CoveredDto;
  @ApiProperty({ type: [GapDto], description: 'uncovered stretches (installed) at least min_gap_m long, in chainage order' }) gaps: GapDto[];
}

export class CamerasByOwnershipDto {
  @ApiProperty() station: number;
  @ApiProperty() citizen: number;
  @ApiProperty() business: number;
  @ApiProperty() household: number;
  @ApiProperty() total: number;
}

export class CommuneCoverageDto {
  @ApiProperty({ example: '27685' }) code: string;
  @ApiProperty() name: string;
  @ApiProperty({ nullable: true, type: String, description: '2019 layout only' }) district_code: string | null;
  @ApiProperty({ nullable: true, type: String }) district_name: string | null;
  @ApiProperty({ type: CamerasByOwnershipDto, description: 'cameras in service (ownership filter applied)' }) cameras: CamerasByOwnershipDto;
  @ApiProperty({ description: 'stations in service' }) stations: number;
  @ApiProperty({ description: 'of those cameras, how many are online or degraded now' }) online: number;
  @ApiProperty({
    nullable: true,
    type: Number,
    description: 'main-route length inside the commune, metres (2025-07 layout only: the 2019 communes have no boundaries; null otherwise)',
  })
  route_m: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'of route_m, metres covered (installed)' }) installed_covered_m: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'of route_m, metres covered by monitored cameras online now' }) online_monitored_covered_m: number | null;
  @ApiProperty({ nullable: true, type: Number, deprecated: true, description: 'the old name of online_monitored_covered_m, kept for one release' })
  effective_covered_m: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'of route_m, metres covered by registered private cameras' }) private_registered_covered_m: number | null;
}

export class SharedStretchDto {
  @ApiProperty({ example: 'QL N2' }) route_ref: string;
  @ApiProperty({ description: 'chainage on route_ref, metres' }) from_m: number;
  @ApiProperty() to_m: number;
  @ApiProperty({ example: 'QL62', description: 'the earlier route whose chainage holds the stretch in network totals' }) shared_with_ref: string;
}

export class NetworkCoverageDto {
  @ApiProperty({ description: 'length of the main-route network, metres, a stretch shared by two routes (QL62 and QL N2) once' }) length_m: number;
  @ApiProperty({ type: CoveredDto, description: 'every camera in service, registered heading' }) installed: CoveredDto;
  @ApiProperty({ type: CoveredDto, description: 'monitored cameras online (or degraded) now' }) online_monitored: CoveredDto;
  @ApiProperty({ type: CoveredDto, description: 'registered private cameras, registered heading' }) private_registered: CoveredDto;
  @ApiProperty({ type: () => [SharedStretchDto], description: 'stretches found shared by two routes, each counted once in the totals' }) shared_stretches: SharedStretchDto[];
}
