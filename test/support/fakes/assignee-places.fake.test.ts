/** The in-memory AssigneePlaces answers as ScopeRepository does (the same contract, no database). */
import { assigneePlacesContract } from '../assignee-places.contract';
import { InMemoryAssigneePlaces } from './assignee-places.fake';

describe('InMemoryAssigneePlaces', () => {
  const places = new InMemoryAssigneePlaces();
  assigneePlacesContract(() => ({
    places,
    unit: async (layout, level, code, parent) => void places.addUnit(layout, level, code, parent ?? null),
    camera: async (code, commune) => void places.addCamera(code, commune),
    station: async (code, commune) => void places.addStation(code, commune),
  }));
});
