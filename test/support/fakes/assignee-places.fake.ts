/**
 * An in-memory AssigneePlaces: the 2019 communes under each district and the commune
 * of each camera and station, as ScopeRepository reads them from the inventory.
 * AlertAssignees' unit spec uses it; test/support/assignee-places.contract.ts holds it
 * to the same answers as ScopeRepository on PostgreSQL and PGlite.
 */
import type { AssigneePlaces } from '../../../src/alerts/alert-assignees';
import type { Scope } from '../../../src/auth/user.entity';

export class InMemoryAssigneePlaces implements AssigneePlaces {
  /** 2019 district code → its communes. */
  private readonly districts = new Map<string, Set<string>>();
  /** "camera:<code>" or "station:<code>" → its commune. */
  private readonly subjects = new Map<string, string>();

  /** An administrative unit; only the 2019 layout's communes fall under a district. */
  addUnit(layout: '2019' | '2025-07', level: 'district' | 'commune', code: string, parent: string | null = null): this {
    if (layout === '2019' && level === 'commune' && parent !== null) {
      const communes = this.districts.get(parent) ?? new Set<string>();
      this.districts.set(parent, communes.add(code));
    }
    return this;
  }

  addCamera(code: string, communeCode: string): this {
    this.subjects.set(`camera:${code}`, communeCode);
    return this;
  }

  addStation(code: string, communeCode: string): this {
    this.subjects.set(`station:${code}`, communeCode);
    return this;
  }

  async communes(scope: Scope): Promise<Set<string>> {
    return new Set(scope.kind === 'commune' ? [scope.code] : (this.districts.get(scope.code) ?? []));
  }

  async subjectsIn(subjects: string[], communes: Set<string>): Promise<Set<string>> {
    return new Set(subjects.filter((s) => communes.has(this.subjects.get(s) ?? '')));
  }
}
