/**
 * The simulated fleet's own view of a camera and a station: the few fields the
 * ONVIF device server and the MQTT agents need, built from the seed inventory or,
 * for benchmarks, from a synthetic list.
 */
import { SIM_VENDORS, type SeedCamera, type SeedStation, type SimVendor } from '../seed/seed.types';

export interface SimDevice {
  /** Camera code, `[A-Z0-9-]`; the device answers at `/onvif/{code}/device_service`. */
  code: string;
  user: string;
  password: string;
  vendor: SimVendor;
  /** Model reported by GetDeviceInformation; null picks the vendor's usual model. */
  model: string | null;
  ptz: boolean;
  /** Registered heading (degrees from north); PTZ pan 0 faces it. */
  headingDeg: number;
  stationCode: string | null;
}

export interface SimStation {
  code: string;
  /** Codes of the station's cameras, in order (C1, C2, C3). */
  cameraCodes: string[];
}

function toVendor(v: string | null): SimVendor {
  return (SIM_VENDORS as readonly string[]).includes(v ?? '') ? (v as SimVendor) : 'Hikvision';
}

/** Cameras with ONVIF credentials become simulated devices; the others have nothing to answer. */
export function simDevicesFromSeed(cameras: readonly SeedCamera[]): SimDevice[] {
  const out: SimDevice[] = [];
  for (const c of cameras) {
    if (c.onvifUser === null || c.onvifPassword === null) continue;
    out.push({
      code: c.code,
      user: c.onvifUser,
      password: c.onvifPassword,
      vendor: toVendor(c.vendor),
      model: c.model,
      ptz: c.ptz,
      headingDeg: c.headingDeg,
      stationCode: c.stationCode,
    });
  }
  return out;
}

export function simStationsFromSeed(stations: readonly SeedStation[], cameras: readonly SeedCamera[]): SimStation[] {
  const byStation = new Map<string, string[]>();
  for (const s of stations) byStation.set(s.code, []);
  for (const c of cameras) {
    if (c.stationCode !== null) byStation.get(c.stationCode)?.push(c.code);
  }
  return stations.map((s) => ({ code: s.code, cameraCodes: byStation.get(s.code)! }));
}
