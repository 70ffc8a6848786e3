// What each role may use on the map, mirroring the API's @Roles: a tab a role may
// not use is not offered, rather than refused after the user filled it in.

import { addStrings } from './i18n.js';

/** The tabs (modes) each role sees, first one opened at sign-in. */
export const TABS_BY_ROLE = {
  admin: ['view', 'incident', 'planner'],
  technician: ['view'],
  police: ['incident'],
  planner: ['planner'],
};

/** Only police and admin may see private cameras' positions and owners (the service enforces it too). */
export const seesPrivateCameras = (role) => role === 'police' || role === 'admin';

addStrings({
  vi: {
    'summary.statusStations': 'Trạng thái camera của trạm (trực tiếp)',
    'private.cluster': '{n} camera tư nhân',
    'filters.communeOf': '{commune} — {district}',
    'layer.labels': 'Tên địa danh, số hiệu tuyến',
    'load.private': 'Không tải được camera tư nhân: {message}',
  },
  en: {
    'summary.statusStations': 'Station camera status (live)',
    'private.cluster': '{n} private cameras',
    'filters.communeOf': '{commune} — {district}',
    'layer.labels': 'Place names, route numbers',
    'load.private': 'Private cameras could not be loaded: {message}',
  },
});

/** Hides the tab buttons the role may not use; returns the tabs it may. */
export function applyRoleTabs(role, buttons) {
  const tabs = TABS_BY_ROLE[role] ?? [];
  for (const b of buttons) b.hidden = !tabs.includes(b.dataset.mode);
  return tabs;
}
