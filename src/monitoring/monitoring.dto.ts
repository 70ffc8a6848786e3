import { Transform } from 'class-transformer';
import { IsBoolean, IsDateString, IsIn, IsOptional, IsString, Length, Matches } from 'class-validator';

const got = (a: { value: unknown }) => JSON.stringify(a.value);

export class CreateMaintenanceWindowDto {
  @IsIn(['camera', 'station', 'commune'], { message: (a) => `scope must be camera, station or commune, got ${got(a)}` })
  scope: 'camera' | 'station' | 'commune';

  @IsString()
  @Matches(/^[A-Z0-9-]{1,64}$/, { message: (a) => `scope_id must be a camera, station or commune code (A-Z, 0-9, "-"), got ${got(a)}` })
  scope_id: string;

  @IsDateString({ strict: true }, { message: (a) => `starts_at must be an ISO 8601 time, got ${got(a)}` })
  starts_at: string;

  @IsDateString({ strict: true }, { message: (a) => `ends_at must be an ISO 8601 time, got ${got(a)}` })
  ends_at: string;

  @IsOptional()
  @IsString()
  @Length(0, 500)
  reason?: string;
}

export class MaintenanceQueryDto {
  @IsOptional()
  @Transform(({ value }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: (a) => `active must be true or false, got ${got(a)}` })
  active?: boolean;
}

export class HistoryQueryDto {
  @IsOptional()
  @IsDateString({ strict: true }, { message: (a) => `from must be an ISO 8601 time, got ${got(a)}` })
  from?: string;

  @IsOptional()
  @IsDateString({ strict: true }, { message: (a) => `to must be an ISO 8601 time, got ${got(a)}` })
  to?: string;
}
