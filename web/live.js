// @ts-check
// Live status changes over Server-Sent Events. EventSource cannot send headers,
// so the token travels as ?access_token= (the service accepts it for this route).

/**
 * Opens the stream; returns a function that closes it.
 * @param {string} token
 * @param {{
 *   onStatus: (event: any) => void,
 *   onAlert: (event: any) => void,
 *   onState: (connected: boolean) => void,
 *   onReconnect: () => void,
 * }} handlers the events' JSON is the service's (GET /api/events)
 * @returns {() => void}
 */
export function connectLive(token, { onStatus, onAlert, onState, onReconnect }) {
  const source = new EventSource(`/api/events?access_token=${encodeURIComponent(token)}`);
  let everOpen = false;
  let broken = false;
  source.addEventListener('open', () => {
    onState(true);
    // Events sent while we were away are lost: the caller reloads the statuses.
    if (everOpen && broken) onReconnect();
    everOpen = true;
    broken = false;
  });
  source.addEventListener('error', () => {
    broken = true;
    onState(false);
  });
  source.addEventListener('status', (e) => {
    try {
      onStatus(JSON.parse(e.data));
    } catch {
      // a malformed event is ignored; the next one will do
    }
  });
  source.addEventListener('alert', (e) => {
    try {
      onAlert(JSON.parse(e.data));
    } catch {
      // as above
    }
  });
  return () => source.close();
}
