/** The in-memory StatusHistory answers as the repository does (the same contract, no database). */
import { statusHistoryContract } from '../status-history.contract';
import { InMemoryStatusHistory } from './status-history.fake';

describe('InMemoryStatusHistory', () => {
  const history = new InMemoryStatusHistory();
  let nextCamera = 1;
  statusHistoryContract(() => ({
    history,
    camera: async () => nextCamera++,
    addStatus: async (id, events) => void events.forEach((e) => history.addStatus(id, e.at, e.status, e)),
    addHeading: async (id, events) => void events.forEach((e) => history.addHeading(id, e.at, e.headingDeg, e)),
    setWatches: async (runs) => void runs.reduce((hist, r) => hist.addWatch(r.from, r.to), history.clearWatches()),
  }));
});
