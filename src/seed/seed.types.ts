/**
 * What the seed generator produces: the Long An inventory, with real administrative
 * units and routes and generated (deterministic) stations, cameras and road signs.
 * The simulator builds its fleet from the same output, so camera codes and ONVIF
 * credentials agree with what the service stored (encrypted) in its database.
 */
import type { Ownership } from '../inventory/camera.entity';
import type { AdminLayout } from '../inventory/admin-unit.entity';

export interface SeedAdminUnit {
  layout: AdminLayout;
  code: string;
  name: string;
  level: 'province' | 'district' | 'commune';
  kind: string | null;
  parentCode: string | null;
  lat: number | null;
  lon: number | null;
  boundary: unknown | null;
  properties: Record<string, unknown>;
}

export interface SeedRoute {
  ref: string;
  name: string;
  kind: string;
  geometry: { type: 'LineString'; coordinates: [number, number][] };
  lengthM: number;
}

export interface SeedStation {
  code: string;
  name: string;
  communeCode: string;
  communeCode2025: string | null;
  lat: number;
  lon: number;
  routeRef: string | null;
  installedOn: string;
  fundingVnd: number;
  fundingSource: string;
  uplink: string;
}

/** Vendor profiles the simulated fleet imitates (reply shapes modelled on real captures). */
export const SIM_VENDORS = ['Hikvision', 'Dahua', 'Axis', 'Pelco', 'D-Link', 'Milesight'] as const;
export type SimVendor = (typeof SIM_VENDORS)[number];

export interface SeedCamera {
  code: string;
  stationCode: string | null;
  ownership: Ownership;
  communeCode: string;
  communeCode2025: string | null;
  lat: number;
  lon: number;
  headingDeg: number;
  fovDeg: number;
  rangeM: number;
  ptz: boolean;
  /** Station cameras only: `${simBaseUrl}/onvif/${code}/device_service`. */
  onvifUrl: string | null;
  onvifUser: string | null;
  /** Plain text here; the loader encrypts it before it reaches the database. */
  onvifPassword: string | null;
  vendor: string | null;
  model: string | null;
  ownerName: string | null;
  ownerPhone: string | null;
  registeredOn: string | null;
  /** Device facts the simulated camera reports (GetDeviceInformation); station cameras only. */
  firmware?: string | null;
  serial?: string | null;
}

export interface SeedRoadSign {
  routeRef: string;
  communeCode: string;
  lat: number;
  lon: number;
}

export interface SeedInventory {
  adminUnits: SeedAdminUnit[];
  routes: SeedRoute[];
  stations: SeedStation[];
  cameras: SeedCamera[];
  roadSigns: SeedRoadSign[];
  /** The PRNG seed and generator version that produced this inventory (recorded in camnet_meta). */
  seed?: number;
  generatorVersion?: string;
}

export interface SeedOptions {
  /** Base URL of the simulated fleet, e.g. http://127.0.0.1:8899 */
  simBaseUrl: string;
  /** PRNG seed; the default gives the published inventory. */
  seed?: number;
}

/** The report's figures every seed must hold exactly (DESIGN.md). */
export const LONG_AN_FIGURES = {
  communes: 192,
  communesWithStations: 112,
  stations: 670,
  stationCameras: 1696,
  citizen: 5572,
  business: 17110,
  household: 231,
  roadSigns: 115,
  minFundingVnd: 12_000_000_000,
} as const;
