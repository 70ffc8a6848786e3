// @ts-check
// The map's first requests, sent by the first script the page runs (a plain
// script at the top of index.html) while Leaflet and the map's modules are still
// being fetched and compiled: who is signed in, the map's configuration, and,
// when a session cookie is there, every answer the first drawing needs. The
// modules then take these answers (api.js's takeEarly) instead of asking again,
// so the data arrives in one round from the page's start rather than after the
// scripts, then the sign-in check, then the data.
//
// Without a session (no readable CSRF cookie) only the two public-or-cheap
// questions go out; an early answer that says 401 is never used (the modules
// ask again once the user has signed in).

(() => {
  const session = document.cookie.split('; ').some((c) => c.startsWith('camnet_csrf='));
  /**
   * The paths exactly as the modules ask for them (app.js's load(), api.js's
   * fetchAll and fetchMapCameras): a path that differs is simply asked again.
   */
  const paths = [
    '/api/map-config',
    ...(session
      ? [
          '/api/whoami',
          '/api/map/base',
          '/api/summary',
          '/api/coverage/routes?min_gap_m=500',
          '/api/stations?limit=1000',
          '/api/cameras?view=map&limit=25000&ownership=station',
        ]
      : []),
  ];
  /** @type {Map<string, Promise<Response>>} */
  const early = new Map();
  /** @param {string} path */
  const ask = (path) => {
    const answer = fetch(path, { headers: { Accept: 'application/json' }, credentials: 'same-origin' });
    // A failed early request is not an error of the page: the module asks again.
    answer.catch(() => undefined);
    early.set(path, answer);
  };
  for (const path of paths) ask(path);
  /** @type {any} */ (window).camnetEarly = {
    /** Asks now for an answer a module will want later (once the role is known, say). */
    ask,
    /**
     * The early answer for this path, once (a second call asks the network); null when there is none.
     * @param {string} path
     * @returns {Promise<Response> | null}
     */
    take(path) {
      const answer = early.get(path) ?? null;
      early.delete(path);
      return answer;
    },
  };
})();
