/** The in-memory AlertStore answers as AlertRepository does (the same contract, no database). */
import { alertStoreContract } from '../alert-store.contract';
import { InMemoryAlertStore } from './alert.store.fake';

describe('InMemoryAlertStore', () => {
  const store = new InMemoryAlertStore();
  let people = 0;
  alertStoreContract(() => ({
    store,
    camera: async (code, station) => void store.addCamera(code, station),
    person: async (_login, name) => {
      const id = ++people;
      store.addPerson(id, name);
      return id;
    },
    rename: async (id, name) => void store.addPerson(id, name),
  }));
});
