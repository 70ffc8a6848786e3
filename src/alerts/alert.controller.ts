import { Body, Controller, Get, HttpCode, Param, ParseIntPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AuthContext, canSeePrivateCameras, CurrentAuth } from '../auth/auth-context';
import { Audited, Roles } from '../auth/roles.decorator';
import { Scoped } from '../auth/scope.interceptor';
import { AlertAssignees } from './alert-assignees';
import { AckAlertDto, AlertFilterDto, AlertNoteDto, AssigneeQueryDto, AssignAlertDto } from './alert.dto';
import { AlertService } from './alert.service';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api/alerts')
export class AlertController {
  constructor(
    private readonly alerts: AlertService,
    private readonly people: AlertAssignees,
  ) {}

  @Get()
  @Roles('admin', 'technician')
  @Scoped('alerts')
  @ApiOperation({ summary: 'Alerts, newest first, by state, subject or assignee' })
  list(@Query() q: AlertFilterDto, @CurrentAuth() auth: AuthContext) {
    return this.alerts.list(q.state, q.limit ?? 100, { subject: q.subject, assignee: q.assignee, seesPrivate: canSeePrivateCameras(auth) });
  }

  // Declared before ':id' so that "assignees" is not read as an alert id.
  @Get('assignees')
  @Roles('admin', 'technician')
  @ApiOperation({ summary: 'The people an alert can be assigned to: active technicians and admins, those whose scope holds the subject when one is given' })
  assignees(@Query() q: AssigneeQueryDto) {
    return this.people.candidates(q.subject);
  }

  @Get(':id')
  @Roles('admin', 'technician')
  @ApiOperation({ summary: 'One alert with its history: opened, acknowledged, assigned, notes, resolved' })
  get(@Param('id', ParseIntPipe) id: number) {
    return this.alerts.get(id);
  }

  @Post(':id/ack')
  @HttpCode(200)
  @Roles('technician', 'admin')
  @Audited('alert.ack')
  @ApiOperation({ summary: 'Acknowledges an alert, with an optional note' })
  ack(@Param('id', ParseIntPipe) id: number, @Body() dto: AckAlertDto, @CurrentAuth() auth: AuthContext) {
    return this.alerts.ack(id, auth.name, dto.note ?? null);
  }

  @Post(':id/assign')
  @HttpCode(200)
  @Roles('technician', 'admin')
  @Audited('alert.assign')
  @ApiOperation({ summary: "Assigns an alert to a person's account (an active technician or admin whose scope holds it), or takes it back with null" })
  assign(@Param('id', ParseIntPipe) id: number, @Body() dto: AssignAlertDto, @CurrentAuth() auth: AuthContext) {
    return this.alerts.assign(id, dto.assignee, auth.name);
  }

  @Post(':id/notes')
  @HttpCode(200)
  @Roles('technician', 'admin')
  @Audited('alert.note')
  @ApiOperation({ summary: "Adds a note to an alert's history" })
  note(@Param('id', ParseIntPipe) id: number, @Body() dto: AlertNoteDto, @CurrentAuth() auth: AuthContext) {
    return this.alerts.addNote(id, dto.note, auth.name);
  }

  @Post(':id/resolve')
  @HttpCode(200)
  @Roles('technician', 'admin')
  @Audited('alert.resolve')
  @ApiOperation({ summary: 'Resolves an alert by hand, with a note saying what was done' })
  resolve(@Param('id', ParseIntPipe) id: number, @Body() dto: AlertNoteDto, @CurrentAuth() auth: AuthContext) {
    return this.alerts.resolveByHand(id, dto.note, auth.name);
  }
}
