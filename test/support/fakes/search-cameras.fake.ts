/**
 * An in-memory SearchCameraStore: the cameras the incident search indexes and the
 * province's outline. Its fingerprint changes with every change made through it,
 * as the SQL fingerprint changes with the camera table.
 */
import type { SearchCamera, SearchCameraStore } from '../../../src/search/search-camera.repository';

export class InMemorySearchCameras implements SearchCameraStore {
  private readonly cameras = new Map<number, SearchCamera>();
  private version = 0;
  /** How many times the search loaded the whole list (it should only on a change). */
  loads = 0;

  constructor(private boundary: unknown | null = null) {}

  /** Adds or replaces a camera; the defaults are a station camera with no owner, registered and never retired. */
  put(c: Pick<SearchCamera, 'id' | 'code' | 'lat' | 'lon' | 'headingDeg'> & Partial<SearchCamera>): this {
    this.cameras.set(c.id, { ownership: 'station', fovDeg: 90, rangeM: 100, ownerName: null, ownerPhone: null, registeredOn: null, retiredOn: null, ...c });
    this.version++;
    return this;
  }

  setBoundary(boundary: unknown | null): this {
    this.boundary = boundary;
    this.version++;
    return this;
  }

  async loadCameras(): Promise<SearchCamera[]> {
    this.loads++;
    return [...this.cameras.values()].sort((a, b) => a.id - b.id).map((c) => ({ ...c }));
  }

  async provinceBoundary(): Promise<unknown | null> {
    return this.boundary;
  }

  async fingerprint(): Promise<string> {
    return `${this.cameras.size}:${this.version}`;
  }
}
