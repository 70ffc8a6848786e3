import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, MaxLength, Max, Min, MinLength, ValidateIf } from 'class-validator';
import { ALERT_STATES, AlertState } from './alert.service';

export class AlertQueryDto {
  @ApiPropertyOptional({ enum: ALERT_STATES, description: 'open: not acknowledged nor resolved; acked: acknowledged, not resolved; omitted: all' })
  @IsOptional()
  @IsIn(ALERT_STATES as unknown as string[], { message: `state must be one of ${ALERT_STATES.join(', ')}` })
  state?: AlertState;

  @ApiPropertyOptional({ minimum: 1, maximum: 1000, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

/** Notes are for what a technician did or saw, not for files: 2,000 characters at most. */
export const ALERT_NOTE_MAX = 2000;
export const ASSIGNEE_MAX = 100;

const noteMessage = (field: string) => (a: { value: unknown }) =>
  typeof a.value === 'string' && a.value.length > ALERT_NOTE_MAX
    ? `${field} must be at most ${ALERT_NOTE_MAX} characters, got ${a.value.length}`
    : `${field} must be a non-empty text of at most ${ALERT_NOTE_MAX} characters`;

export class AlertFilterDto extends AlertQueryDto {
  @ApiPropertyOptional({ example: 'camera:ST-0001-C1', description: 'only the alerts of this subject' })
  @IsOptional()
  @Matches(/^(camera|station):[A-Z0-9-]{1,64}$/, { message: 'subject must be camera:<code> or station:<code>' })
  subject?: string;

  @ApiPropertyOptional({ description: 'only the alerts assigned to this login' })
  @IsOptional()
  @IsString()
  @MaxLength(ASSIGNEE_MAX, { message: `assignee must be at most ${ASSIGNEE_MAX} characters` })
  assignee?: string;
}

export class AckAlertDto {
  @ApiPropertyOptional({ maxLength: ALERT_NOTE_MAX, example: 'đã gọi trạm, đang kiểm tra nguồn' })
  @IsOptional()
  @IsString({ message: noteMessage('note') })
  @MinLength(1, { message: noteMessage('note') })
  @MaxLength(ALERT_NOTE_MAX, { message: noteMessage('note') })
  note?: string;
}

export class AlertNoteDto {
  @ApiProperty({ maxLength: ALERT_NOTE_MAX, example: 'thay bộ nguồn PoE' })
  @IsString({ message: noteMessage('note') })
  @MinLength(1, { message: noteMessage('note') })
  @MaxLength(ALERT_NOTE_MAX, { message: noteMessage('note') })
  note: string;
}

export class AssigneeQueryDto {
  @ApiPropertyOptional({ example: 'camera:ST-0001-C1', description: 'only the people who may take an alert on this subject (their scope holds it)' })
  @IsOptional()
  @Matches(/^(camera|station):[A-Z0-9-]{1,64}$/, { message: 'subject must be camera:<code> or station:<code>' })
  subject?: string;
}

export class AssignAlertDto {
  @ApiProperty({
    nullable: true,
    maxLength: ASSIGNEE_MAX,
    example: 'nguyen.van.a',
    description: "login of an active technician's or admin's account (GET /api/alerts/assignees); null takes the alert back",
  })
  @ValidateIf((o) => o.assignee !== null)
  @IsString({ message: `assignee must be the login of a person's account (1 to ${ASSIGNEE_MAX} characters), or null` })
  @MinLength(1, { message: `assignee must be the login of a person's account (1 to ${ASSIGNEE_MAX} characters), or null` })
  @MaxLength(ASSIGNEE_MAX, { message: (a) => `assignee must be at most ${ASSIGNEE_MAX} characters, got ${String(a.value).length}` })
  assignee: string | null;
}
