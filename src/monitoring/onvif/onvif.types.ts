/** Shapes shared by the ONVIF client, first contact and the probe. */

export type OnvifErrorKind = 'timeout' | 'refused' | 'http_status' | 'soap_fault' | 'auth' | 'malformed' | 'too_large';

/** A device as the inventory knows it. */
export interface OnvifTarget {
  /** device_service URL from the inventory (camera.onvif_url). */
  url: string;
  user: string | null;
  password: string | null;
  /** PTZ service address found at first contact (already rebased onto `url`'s host). */
  ptzXaddr?: string;
  /** Media profile token for PTZ GetStatus, found at first contact. */
  profileToken?: string;
}

/** What GetSystemDateAndTime tells us. */
export interface DeviceClock {
  /** The device's UTC clock; null when it reported LocalDateTime only. */
  deviceTime: Date | null;
  /** Device clock minus ours, in seconds (RTT-compensated, ±0.5 s); null when unknown. */
  offsetS: number | null;
  /** True when the device sent LocalDateTime without UTCDateTime: the offset is unknown. */
  localOnly: boolean;
}

/** GetDeviceInformation, every field a string as sent (null when the element is absent). */
export interface DeviceInfo {
  manufacturer: string | null;
  model: string | null;
  firmware: string | null;
  serial: string | null;
  hardwareId: string | null;
}

/** PTZ position in the generic space; null where missing or in other units. */
export interface PtzPosition {
  pan: number | null;
  tilt: number | null;
  zoom: number | null;
}

export interface FirstContactResult {
  ptzXaddr: string | null;
  mediaXaddr: string | null;
  /** First profile with a PTZ configuration, else the first profile; null without profiles. */
  profileToken: string | null;
  hasPtz: boolean;
}

export interface ProbeTarget extends OnvifTarget {
  /** Registered heading (degrees) the camera faces at pan 0. */
  headingDeg: number;
  ptz: boolean;
  needDeviceInfo: boolean;
}

export interface ProbeResult {
  /** Every step asked for succeeded. */
  ok: boolean;
  /** The device answered at all (an auth failure still counts). */
  reachable: boolean;
  /** The first failure; the others, if any, are in `warnings`. */
  error: { kind: OnvifErrorKind; message: string } | null;
  clockOffsetS: number | null;
  ptz: PtzPosition | null;
  /** Heading derived from pan and the registered heading; null without a generic pan. */
  headingDeg: number | null;
  device: DeviceInfo | null;
  latencyMs: number;
  /** Oddities that do not fail the check (LocalDateTime only, non-generic PTZ units, later errors). */
  warnings: string[];
}

/** Every failure of the ONVIF client, classified. */
export class OnvifError extends Error {
  constructor(
    readonly kind: OnvifErrorKind,
    message: string,
    readonly httpStatus: number | null = null,
  ) {
    super(message);
    this.name = 'OnvifError';
  }
}
