/** The statuses a camera or station can be in (DESIGN.md, Status). */
export const STATUSES = ['online', 'offline', 'degraded', 'maintenance', 'unknown'] as const;
export type Status = (typeof STATUSES)[number];
