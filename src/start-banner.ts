/**
 * What `npm start` prints once camnet runs: where to go, and on the first start
 * only, the first admin's login and one-time password. Nothing from the
 * environment (CAMNET_BOOTSTRAP_TOKEN, CAMNET_ADMIN_PASSWORD) is ever printed.
 */
import type { CamnetInstance } from './bootstrap';

export function startBanner(camnet: Pick<CamnetInstance, 'url' | 'simulatorUrl' | 'firstAdmin'>): string {
  const lines = ['', 'camnet is running', `  map:       ${camnet.url}/`, `  API docs:  ${camnet.url}/api/docs`, `  readiness: ${camnet.url}/readyz`];
  if (camnet.simulatorUrl) lines.push(`  simulated fleet control: ${camnet.simulatorUrl}/sim/devices`);
  if (camnet.firstAdmin) {
    lines.push(`  first admin: login "${camnet.firstAdmin.login}", one-time password ${camnet.firstAdmin.password}`);
    if (camnet.firstAdmin.savedTo) lines.push(`  (also saved in ${camnet.firstAdmin.savedTo}; shown on this first start only)`);
    lines.push('  log in on the map with these: it asks for a new password at once');
  } else {
    lines.push('  log in on the map with your login and password; integrations send "Authorization: Bearer <token>"');
  }
  return lines.join('\n') + '\n';
}
