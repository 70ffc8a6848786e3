import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateNested } from 'class-validator';
import { Role, ROLES } from './api-token.entity';
import { SCOPE_KINDS, ScopeKind, USER_STATES, UserState } from './user.entity';

const roleMessage = { message: `role must be one of ${ROLES.join(', ')}` };

export class CreateTokenDto {
  @ApiProperty({ example: 'Webhook consumer of the district police' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES as unknown as string[], roleMessage)
  role: Role;

  @ApiPropertyOptional({ description: 'ISO 8601 date-time after which the token is refused; omitted: until revoked' })
  @IsOptional()
  @IsDateString({ strict: true }, { message: 'expires_at must be an ISO 8601 date-time, e.g. 2027-06-30T00:00:00Z' })
  expires_at?: string;
}

export class AuditQueryDto {
  @IsOptional()
  @IsString()
  @Length(1, 100)
  action?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class LoginDto {
  @ApiProperty({ example: 'admin' })
  @IsString()
  @Length(1, 64)
  login: string;

  @ApiProperty()
  @IsString()
  @Length(1, 256)
  password: string;

  @ApiPropertyOptional({ description: 'the authenticator code, for accounts with a second factor', example: '123456' })
  @IsOptional()
  @IsString()
  @Matches(/^\d{6}$/, { message: 'totp must be the 6 digits of the authenticator app' })
  totp?: string;
}

export class TotpCodeDto {
  @ApiProperty({ example: '123456' })
  @IsString()
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits of the authenticator app' })
  code: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @Length(1, 256)
  current_password: string;

  @ApiProperty({ description: 'at least 12 characters, not containing the login, not a common password' })
  @IsString()
  @Length(1, 1024)
  new_password: string;
}

export class ScopeDto {
  @ApiProperty({ enum: SCOPE_KINDS })
  @IsIn(SCOPE_KINDS as unknown as string[], { message: `scope.kind must be one of ${SCOPE_KINDS.join(', ')}` })
  kind: ScopeKind;

  @ApiProperty({ description: '2019 code: 3 digits for a district, 5 for a commune', example: '504' })
  @Matches(/^[0-9]{3}([0-9]{2})?$/, { message: 'scope.code must be a 3-digit district or 5-digit commune code' })
  code: string;
}

export class CreateUserDto {
  @ApiProperty({ example: 'lan.nguyen' })
  @IsString()
  @Length(2, 64)
  login: string;

  @ApiProperty({ example: 'Nguyễn Thị Lan' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES as unknown as string[], roleMessage)
  role: Role;

  @ApiPropertyOptional({
    type: ScopeDto,
    nullable: true,
    description: 'one district or commune this user sees and acts on; omitted or null: the whole province',
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScopeDto)
  scope?: ScopeDto | null;

  @ApiPropertyOptional({ description: 'omitted: a one-time password is generated and answered once; it must be changed at first login' })
  @IsOptional()
  @IsString()
  @Length(1, 1024)
  password?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  name?: string;

  @ApiPropertyOptional({ enum: ROLES })
  @IsOptional()
  @IsIn(ROLES as unknown as string[], roleMessage)
  role?: Role;

  @ApiPropertyOptional({ type: ScopeDto, nullable: true, description: 'null: the whole province' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ScopeDto)
  scope?: ScopeDto | null;

  @ApiPropertyOptional({ enum: USER_STATES, description: 'disabled: every session of the user ends at once' })
  @IsOptional()
  @IsIn(USER_STATES as unknown as string[], { message: `state must be one of ${USER_STATES.join(', ')}` })
  state?: UserState;
}
