/**
 * In-process events between modules that may not import each other: monitoring
 * announces status changes and alert actions; alerts, coverage and the live
 * stream listen. One instance per service, provided as EventBus.
 */
import { EventEmitter } from 'node:events';
import type { Status } from '../monitoring/status';

export interface StatusChangedEvent {
  subject: 'camera' | 'station';
  id: number;
  code: string;
  status: Status;
  previous: Status;
  at: Date;
  reason: string | null;
  /** Set when the station's fall took this camera down. */
  attributedTo?: string | null;
}

export interface HeadingChangedEvent {
  cameraId: number;
  code: string;
  headingDeg: number | null;
  at: Date;
}

/** An alert action decided by the status machine, carried out by the alerts module. */
export interface AlertActionEvent {
  action: 'open' | 'resolve';
  kind: 'offline' | 'station_down' | 'turned' | 'clock_drift' | 'auth_failed' | 'view_dark' | 'view_blocked' | 'view_blurred' | 'view_frozen' | 'view_moved';
  subject: string;
  at: Date;
  details: Record<string, unknown>;
}

export interface CamnetEvents {
  /** Cameras or stations were created, changed or retired (API or import). */
  'inventory.changed': { at: Date; what: 'camera' | 'station' };
  'status.changed': StatusChangedEvent;
  'heading.changed': HeadingChangedEvent;
  'alert.action': AlertActionEvent;
  /** A maintenance window was created; one that starts in the past changes history already rolled up. */
  'maintenance.created': { scope: string; scopeId: string; startsAt: Date; endsAt: Date };
  /** Emitted by the alerts module after it stored an alert change (for the live stream). */
  'alert.changed': { id: number; kind: string; subject: string; state: 'open' | 'acked' | 'resolved'; at: Date };
}

export class EventBus {
  private readonly emitter = new EventEmitter().setMaxListeners(100);

  emit<K extends keyof CamnetEvents>(name: K, event: CamnetEvents[K]): void {
    this.emitter.emit(name, event);
  }

  on<K extends keyof CamnetEvents>(name: K, listener: (event: CamnetEvents[K]) => void): () => void {
    this.emitter.on(name, listener);
    return () => this.emitter.off(name, listener);
  }
}
