/**
 * What any AssigneePlaces must answer, run against ScopeRepository on a real database
 * (test/alerts/assignee.repository.test.ts, PostgreSQL and PGlite) and against the
 * in-memory fake AlertAssignees' unit spec uses: which 2019 communes a scope holds,
 * and which alert subjects lie in them.
 *
 * The cases share one database: each uses codes of its own.
 */
import type { AssigneePlaces } from '../../src/alerts/alert-assignees';

export interface AssigneePlacesHarness {
  places: AssigneePlaces;
  /** An administrative unit (districts exist in the 2019 layout only). */
  unit(layout: '2019' | '2025-07', level: 'district' | 'commune', code: string, parent?: string): Promise<void>;
  camera(code: string, communeCode: string): Promise<void>;
  station(code: string, communeCode: string): Promise<void>;
}

export function assigneePlacesContract(harness: () => AssigneePlacesHarness): void {
  let h: AssigneePlacesHarness;
  beforeAll(() => {
    h = harness();
  });

  it("holds a commune scope's own commune, and a district's 2019 communes only", async () => {
    await h.unit('2019', 'district', '880');
    await h.unit('2019', 'district', '881');
    await h.unit('2019', 'commune', '38801', '880');
    await h.unit('2019', 'commune', '38802', '880');
    await h.unit('2019', 'commune', '38811', '881');
    // The 2025 layout has no districts: a 2025 commune never falls under one.
    await h.unit('2025-07', 'commune', '38899');
    expect(await h.places.communes({ kind: 'district', code: '880' })).toEqual(new Set(['38801', '38802']));
    expect(await h.places.communes({ kind: 'district', code: '881' })).toEqual(new Set(['38811']));
    expect(await h.places.communes({ kind: 'district', code: '889' })).toEqual(new Set());
    expect(await h.places.communes({ kind: 'commune', code: '38802' })).toEqual(new Set(['38802']));
  });

  it('finds which cameras and stations of a list lie in the communes; unknown subjects and other kinds are left out', async () => {
    await h.station('PS-A', '38901');
    await h.station('PS-B', '38902');
    await h.camera('PS-A-C1', '38901');
    await h.camera('PS-B-C1', '38902');
    await h.camera('PS-Z', '38903');
    const subjects = ['camera:PS-A-C1', 'station:PS-A', 'station:PS-B', 'camera:PS-B-C1', 'camera:PS-Z', 'camera:PS-GONE', 'station:PS-A-C1', 'road:PS-A'];
    expect(await h.places.subjectsIn(subjects, new Set(['38901']))).toEqual(new Set(['camera:PS-A-C1', 'station:PS-A']));
    expect(await h.places.subjectsIn(subjects, new Set(['38902', '38903']))).toEqual(new Set(['station:PS-B', 'camera:PS-B-C1', 'camera:PS-Z']));
    expect(await h.places.subjectsIn(subjects, new Set())).toEqual(new Set());
    expect(await h.places.subjectsIn([], new Set(['38901']))).toEqual(new Set());
  });
}
