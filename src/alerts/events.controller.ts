import { Controller, MessageEvent, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { AuthContext, CurrentAuth } from '../auth/auth-context';
import { AllowQueryToken, Roles } from '../auth/roles.decorator';
import { EventsService } from './events.service';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  /**
   * Server-sent events: `status` ({subject, code, status, previous, at, reason}) and
   * `alert` ({id, kind, subject, state, at}). The map's EventSource sends its session
   * cookie; a machine token may come as ?access_token=, on this route only. The
   * stream ends within seconds of the access behind it ending.
   */
  @Sse('events')
  @ApiOperation({ summary: 'Live status changes and alerts as server-sent events (private cameras for police and admin only)' })
  @Roles('admin', 'technician', 'police', 'planner')
  @AllowQueryToken()
  stream(@CurrentAuth() auth: AuthContext): Observable<MessageEvent> {
    return this.events.stream(auth);
  }
}
