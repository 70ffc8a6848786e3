/** The in-memory MaintenanceStore answers as MaintenanceRepository does (the same contract, no database). */
import { maintenanceStoreContract } from '../maintenance-store.contract';
import { InMemoryMaintenanceStore } from './maintenance.store.fake';

describe('InMemoryMaintenanceStore', () => {
  const store = new InMemoryMaintenanceStore();
  let ids = 0;
  maintenanceStoreContract(() => ({
    store,
    unit: async (layout, level, code, parent) => void store.addUnit(layout, level, code, parent ?? null),
    station: async (s) => {
      const id = ++ids;
      store.addStation({
        id,
        code: s.code,
        communeCode: s.communeCode,
        communeCode2025: s.communeCode2025 ?? null,
        status: s.status,
        lastSeenAt: s.lastSeenAt ?? null,
      });
      return id;
    },
    camera: async (c) => {
      const id = ++ids;
      store.addCamera({
        id,
        code: c.code,
        stationCode: c.stationCode ?? null,
        communeCode: c.communeCode,
        communeCode2025: c.communeCode2025 ?? null,
        status: c.status,
      });
      return id;
    },
    setStatus: async (kind, id, status) => store.setStatus(kind, id, status),
  }));
});
