/**
 * Background failures for the demo: now and then a random camera fails for a while
 * (mostly offline, sometimes turned, slow, skewed…) and, more rarely, a station goes
 * down. Only faults set here are cleared here; faults set through the API stay.
 */
import { parseDeviceFault, type DeviceFaultKind, type SimFleetState } from './sim-fault.registry';
import type { SimLogger } from './onvif-device.server';

export interface SimChaosOptions {
  /** Time between two incidents; default 20 s. */
  intervalMs?: number;
  /** How long an incident lasts: uniform in [min, max]; default 1–5 min. */
  durationMs?: [number, number];
  /** Chance that an incident is a station going down rather than a camera fault; default 0.05. */
  stationDownChance?: number;
  random?: () => number;
  logger?: SimLogger;
}

/** Weighted toward what the field sees most: cameras losing power or link. */
const KIND_WEIGHTS: [DeviceFaultKind, number][] = [
  ['offline', 40],
  ['timeout', 8],
  ['slow', 8],
  ['flap', 8],
  ['turn', 16],
  ['clock_skew', 8],
  ['auth', 6],
  ['malformed', 6],
];

export class SimChaos {
  private tick: NodeJS.Timeout | null = null;
  private readonly pending = new Set<NodeJS.Timeout>();
  private readonly random: () => number;
  private readonly deviceCodes: string[];
  private readonly stationCodes: string[];

  constructor(
    private readonly state: SimFleetState,
    private readonly o: SimChaosOptions = {},
  ) {
    this.random = o.random ?? Math.random;
    this.deviceCodes = [...state.devices.keys()];
    this.stationCodes = [...state.stations.keys()];
  }

  start(): void {
    if (this.tick !== null) return;
    this.tick = setInterval(() => this.incident(), this.o.intervalMs ?? 20_000);
  }

  /** One incident now (exposed so a test can drive it without waiting). */
  incident(): void {
    const [min, max] = this.o.durationMs ?? [60_000, 300_000];
    const duration = Math.round(min + this.random() * (max - min));
    if (this.stationCodes.length > 0 && this.random() < (this.o.stationDownChance ?? 0.05)) {
      const code = this.pick(this.stationCodes);
      if (this.state.stations.get(code)!.faults !== null) return;
      this.state.setStationFault(code, { kind: 'down' }, 'chaos');
      this.o.logger?.log(`chaos: station ${code} down for ${Math.round(duration / 1000)} s`);
      this.later(duration, () => {
        if (this.state.stations.get(code)?.faults?.get('down')?.origin === 'chaos') this.state.clearStationFaults(code, 'down');
      });
      return;
    }
    if (this.deviceCodes.length === 0) return;
    const code = this.pick(this.deviceCodes);
    const s = this.state.devices.get(code)!;
    if (s.faults !== null) return; // leave cameras someone is already working on alone
    const kind = this.pickKind();
    const fault = parseDeviceFault({ kind }, s.device);
    this.state.setDeviceFault(code, fault, 'chaos');
    this.o.logger?.log(`chaos: camera ${code} ${kind} for ${Math.round(duration / 1000)} s`);
    this.later(duration, () => {
      if (this.state.devices.get(code)?.faults?.get(kind)?.origin === 'chaos') this.state.clearDeviceFaults(code, kind);
    });
  }

  /** Stops the loop and clears every fault it set. */
  stop(): void {
    if (this.tick !== null) clearInterval(this.tick);
    this.tick = null;
    for (const t of this.pending) clearTimeout(t);
    this.pending.clear();
    for (const s of this.state.devices.values()) {
      if (!s.faults) continue;
      for (const [kind, a] of [...s.faults]) if (a.origin === 'chaos') this.state.clearDeviceFaults(s.device.code, kind);
    }
    for (const s of this.state.stations.values()) {
      if (!s.faults) continue;
      for (const [kind, a] of [...s.faults]) if (a.origin === 'chaos') this.state.clearStationFaults(s.station.code, kind);
    }
  }

  private later(ms: number, fn: () => void): void {
    const t = setTimeout(() => {
      this.pending.delete(t);
      fn();
    }, ms);
    this.pending.add(t);
  }

  private pick<T>(list: T[]): T {
    return list[Math.floor(this.random() * list.length) % list.length];
  }

  private pickKind(): DeviceFaultKind {
    const total = KIND_WEIGHTS.reduce((a, [, w]) => a + w, 0);
    let r = this.random() * total;
    for (const [kind, w] of KIND_WEIGHTS) {
      if ((r -= w) < 0) return kind;
    }
    return 'offline';
  }
}
