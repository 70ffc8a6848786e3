import { Controller, MessageEvent, Sse } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Observable } from 'rxjs';
import { AuthContext, CurrentAuth } from '../auth/auth-context';
import { Roles } from '../auth/roles.decorator';
import { EventsService } from './events.service';

@ApiTags('alerts')
@ApiBearerAuth()
@Controller('api')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  /**
   * Server-sent events: `status` ({subject, code, status, previous, at, reason}) and
   * `alert` ({id, kind, subject, state, at}). EventSource cannot send headers, so the
   * token may also be given as ?access_token=.
   */
  @Sse('events')
  @Roles('admin', 'technician', 'police', 'planner')
  stream(@CurrentAuth() auth: AuthContext): Observable<MessageEvent> {
    return this.events.stream(auth);
  }
}
