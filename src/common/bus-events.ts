/**
 * The catalogue of in-process bus events: for each event its payload, who emits
 * it and who listens. EventBus (./event-bus) takes its names and payload types
 * from here, so emitting or listening to an event that is not in the catalogue,
 * or with the wrong payload, fails to compile; a spec (bus-events.spec.ts) reads
 * the source tree and fails when an emitter or listener is missing from the
 * lists below or a listed one no longer emits or listens.
 */
import type { AlertActionKind, AlertKind, AlertState } from '../domain/alert';
import type { Status, StatusSubject } from '../domain/status';

export interface StatusChangedEvent {
  subject: StatusSubject;
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
  action: AlertActionKind;
  kind: AlertKind;
  subject: string;
  at: Date;
  details: Record<string, unknown>;
}

export interface InventoryChangedEvent {
  at: Date;
  what: 'camera' | 'station';
}

export interface MaintenanceCreatedEvent {
  scope: string;
  scopeId: string;
  startsAt: Date;
  endsAt: Date;
}

export interface AlertChangedEvent {
  id: number;
  kind: AlertKind;
  subject: string;
  state: AlertState;
  at: Date;
}

/** Event name → payload. */
export interface CamnetEvents {
  'inventory.changed': InventoryChangedEvent;
  'status.changed': StatusChangedEvent;
  'heading.changed': HeadingChangedEvent;
  'alert.action': AlertActionEvent;
  'maintenance.created': MaintenanceCreatedEvent;
  'alert.changed': AlertChangedEvent;
}

export type CamnetEventName = keyof CamnetEvents;

export interface BusEventEntry {
  /** What the event means, in one line. */
  meaning: string;
  /** Source files (under src/, without .ts) that emit it. */
  emitters: readonly string[];
  /** Source files (under src/, without .ts) that listen to it. */
  listeners: readonly string[];
}

/** Every event has an entry: a new event without one fails to compile. */
export const BUS_EVENTS: { readonly [K in CamnetEventName]: BusEventEntry } = {
  'inventory.changed': {
    meaning: 'cameras or stations were created, changed or retired (API or import)',
    emitters: ['inventory/camera.service', 'inventory/camera-import.service', 'inventory/drift.service', 'inventory/station.service'],
    listeners: [
      'alerts/camera-visibility',
      'bootstrap',
      'coverage/coverage.service',
      'inventory/summary.service',
      'map/map-base.service',
      'map/map.service',
      'monitoring/probe.scheduler',
      'search/search.service',
    ],
  },
  'status.changed': {
    meaning: 'a camera or station changed status (a status_event was stored)',
    emitters: ['monitoring/camera-state.service'],
    listeners: [
      'alerts/alert.service',
      'alerts/events.service',
      'coverage/coverage.service',
      'inventory/summary.service',
      'map/map.service',
      'monitoring/probe.scheduler',
    ],
  },
  'heading.changed': {
    meaning: "a camera's heading moved beyond the noise threshold (an orientation_event was stored)",
    emitters: ['monitoring/camera-state.service'],
    listeners: ['coverage/coverage.service'],
  },
  'alert.action': {
    meaning: 'the status machine decided to open or resolve an alert; the alerts module carries it out',
    emitters: ['monitoring/camera-state.service'],
    listeners: ['alerts/alert.service'],
  },
  'maintenance.created': {
    meaning: 'a maintenance window was created; one that starts in the past changes history already rolled up',
    emitters: ['monitoring/maintenance.service'],
    listeners: ['uptime/uptime.rollup'],
  },
  'alert.changed': {
    meaning: 'the alerts module stored an alert change (for the live stream)',
    emitters: ['alerts/alert.service'],
    listeners: ['alerts/events.service', 'notify/email.notifier'],
  },
};
