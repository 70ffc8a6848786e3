// @ts-check
// Live status changes over Server-Sent Events, authenticated by the session
// cookie the browser sends with the same-origin request. The service ends the
// stream when the session ends; EventSource then retries and is refused.

/**
 * Opens the stream; returns a function that closes it.
 * @param {{
 *   onStatus: (event: any) => void,
 *   onAlert: (event: any) => void,
 *   onState: (connected: boolean) => void,
 *   onReconnect: () => void,
 *   onClosed?: () => void,
 * }} handlers the events' JSON is the service's (GET /api/events)
 * @returns {() => void}
 */
export function connectLive({ onStatus, onAlert, onState, onReconnect, onClosed = () => {} }) {
  const source = new EventSource('/api/events', { withCredentials: true });
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
    // Refused on reconnecting (the session ended): EventSource gives up for good.
    if (source.readyState === EventSource.CLOSED) onClosed();
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
