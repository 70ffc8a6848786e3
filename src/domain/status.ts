/**
 * The statuses a camera or station can be in (DESIGN.md, Status). Shared by
 * inventory, monitoring, uptime, search, coverage and the event bus, so it sits
 * at the bottom of the module stack and imports nothing.
 */
export const STATUSES = ['online', 'offline', 'degraded', 'maintenance', 'unknown'] as const;
export type Status = (typeof STATUSES)[number];

/** What a status belongs to: a station camera or a station (status_event.subject). */
export type StatusSubject = 'camera' | 'station';
