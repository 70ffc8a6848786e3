/**
 * The live event stream behind GET /api/events: status changes and alert changes
 * from the bus as server-sent events, with a heartbeat comment so proxies and
 * browsers keep an idle connection open.
 */
import { Inject, Injectable, MessageEvent, Optional } from '@nestjs/common';
import { AccessWatch } from '../auth/access.watch';
import { Observable } from 'rxjs';
import { AuthContext, canSeePrivateCameras } from '../auth/auth-context';
import { EventBus } from '../common/event-bus';
import { CameraVisibility } from './camera-visibility';

export const SSE_HEARTBEAT_MS = Symbol('SSE_HEARTBEAT_MS');
export const DEFAULT_SSE_HEARTBEAT_MS = 15_000;

@Injectable()
export class EventsService {
  constructor(
    private readonly bus: EventBus,
    @Inject(SSE_HEARTBEAT_MS) private readonly heartbeatMs: number,
    private readonly visibility: CameraVisibility,
    @Optional() private readonly access?: AccessWatch,
  ) {}

  /**
   * One subscriber's stream; everything it holds is released when the client goes
   * away, and the stream ends when the caller's access ends (token revoked,
   * session ended or timed out, user disabled). Technicians and planners hear of
   * station cameras and stations only, never of a private camera.
   */
  stream(auth?: AuthContext): Observable<MessageEvent> {
    const seesPrivate = canSeePrivateCameras(auth);
    if (!seesPrivate) void this.visibility.reload();
    const mayHear = (subject: string, code: string) => seesPrivate || subject !== 'camera' || this.visibility.isStationCamera(code);
    return new Observable<MessageEvent>((subscriber) => {
      const unwatch = auth && this.access ? this.access.watch(auth, () => subscriber.complete()) : () => undefined;
      const offStatus = this.bus.on(
        'status.changed',
        (e) =>
          mayHear(e.subject, e.code) &&
          subscriber.next({
            type: 'status',
            data: { subject: e.subject, code: e.code, status: e.status, previous: e.previous, at: e.at.toISOString(), reason: e.reason },
          }),
      );
      const offAlert = this.bus.on('alert.changed', (e) => {
        const [subject, code] = splitSubject(e.subject);
        if (mayHear(subject, code))
          subscriber.next({ type: 'alert', data: { id: e.id, kind: e.kind, subject: e.subject, state: e.state, at: e.at.toISOString() } });
      });
      // A first comment sends the headers at once, so the client sees the stream open.
      subscriber.next({ comment: 'connected' });
      const heartbeat = setInterval(() => subscriber.next({ comment: 'heartbeat' }), this.heartbeatMs);
      return () => {
        unwatch();
        offStatus();
        offAlert();
        clearInterval(heartbeat);
      };
    });
  }
}

/** An alert's subject, `camera:<code>` or `station:<code>`, as its two parts. */
function splitSubject(subject: string): [string, string] {
  const i = subject.indexOf(':');
  return i < 0 ? [subject, ''] : [subject.slice(0, i), subject.slice(i + 1)];
}
