/** The in-memory CameraStateStore answers as CameraStateRepository does (the same contract, no database). */
import { cameraStateStoreContract } from '../camera-state-store.contract';
import { InMemoryCameraStateStore } from './camera-state.store.fake';

describe('InMemoryCameraStateStore', () => {
  const store = new InMemoryCameraStateStore();
  cameraStateStoreContract(() => ({
    store,
    station: async (code) => store.addStation(code),
    camera: async (c) => store.addCamera(c),
    schedule: async (cameraId, nextAt, leaseOwner = null) => store.addSchedule(cameraId, nextAt, leaseOwner),
    cameraState: async (id) => store.cameraState(id),
    stationState: async (id) => store.stationState(id),
    scheduleOf: async (id) => store.scheduleOf(id),
    statusEvents: async (subject, id) => store.statusEvents(subject, id),
    orientationEvents: async (id) => store.orientationEvents(id),
  }));
});
