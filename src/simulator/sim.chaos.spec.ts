import { ManualClock } from '../common/clock';
import { SimChaos } from './sim.chaos';
import { SimFleetState } from './sim-fault.registry';
import type { SimDevice } from './sim.types';

function seeded(seed: number): () => number {
  let x = seed;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const devices: SimDevice[] = Array.from({ length: 20 }, (_, i) => ({
  code: `ST-0001-C${i}`,
  user: 'admin',
  password: 'pw',
  vendor: 'Dahua',
  model: null,
  ptz: i % 2 === 0,
  headingDeg: 10 * i,
  stationCode: 'ST-0001',
}));

describe('SimChaos', () => {
  it('sets faults of its own and clears only those on stop', () => {
    const state = new SimFleetState(devices, [{ code: 'ST-0001', cameraCodes: devices.map((d) => d.code) }], new ManualClock(0));
    state.setDeviceFault('ST-0001-C0', { kind: 'auth' }, 'api');
    const chaos = new SimChaos(state, { random: seeded(7), stationDownChance: 0 });
    for (let i = 0; i < 10; i++) chaos.incident();
    const chaotic = [...state.devices.values()].filter((s) => [...(s.faults?.values() ?? [])].some((f) => f.origin === 'chaos'));
    expect(chaotic.length).toBeGreaterThan(3);
    chaos.stop();
    const left = [...state.devices.values()].filter((s) => s.faults !== null);
    expect(left.map((s) => s.device.code)).toEqual(['ST-0001-C0']);
  });

  it('takes a station down now and then, and brings it back after the incident', () => {
    jest.useFakeTimers();
    try {
      const state = new SimFleetState(devices, [{ code: 'ST-0001', cameraCodes: [] }], new ManualClock(0));
      const chaos = new SimChaos(state, { random: seeded(1), stationDownChance: 1, durationMs: [1000, 1000] });
      chaos.incident();
      expect(state.station('ST-0001').faults?.get('down')?.origin).toBe('chaos');
      jest.advanceTimersByTime(1000);
      expect(state.station('ST-0001').faults).toBeNull();
      chaos.stop();
    } finally {
      jest.useRealTimers();
    }
  });
});
