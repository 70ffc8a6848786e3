import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { Role, ROLES } from './api-token.entity';

export class CreateTokenDto {
  @ApiProperty({ example: 'Tổ kỹ thuật Bến Lức' })
  @IsString()
  @Length(1, 200)
  name: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES as unknown as string[], { message: `role must be one of ${ROLES.join(', ')}` })
  role: Role;
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
