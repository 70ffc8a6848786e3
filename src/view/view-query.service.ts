/** What the picture-health routes answer; the police see thumbnails of station cameras only. */
import { Injectable, NotFoundException } from '@nestjs/common';
import { ViewRepository } from './view.repository';
import { ViewService } from './view.service';

export interface ViewAnswer {
  code: string;
  checked_at: Date | null;
  state: string;
  since: Date | null;
  metrics: Record<string, unknown> | null;
  error: Record<string, unknown> | null;
  /** A fault seen once, waiting for a second snapshot to confirm it. */
  pending: { state: string; count: number } | null;
  reference_at: Date | null;
  references: Array<{ slot: string; taken_at: Date; set_by: string }>;
  /** The camera's status and reason (view_* when a picture fault is confirmed). */
  status: string | null;
  reason: string | null;
}

@Injectable()
export class ViewQueryService {
  constructor(
    private readonly repo: ViewRepository,
    private readonly service: ViewService,
  ) {}

  async view(code: string, seesPrivate = true): Promise<ViewAnswer> {
    await this.service.watchedTarget(code, seesPrivate);
    const r = await this.repo.view(code);
    if (r === null) throw new NotFoundException(`camera ${code} has no picture-health record yet: its first snapshot comes within one view interval`);
    const refs = r.references ?? [];
    const day = refs.find((x) => x.slot === 'day') ?? refs[0];
    return {
      code,
      checked_at: r.checked_at,
      state: r.state === 'unchecked' ? 'no_reference' : r.state,
      since: r.since,
      metrics: r.metrics,
      error: r.error,
      pending: r.pending_state === null ? null : { state: r.pending_state, count: r.pending_count },
      reference_at: day?.taken_at ?? null,
      references: refs,
      status: r.status,
      reason: r.reason,
    };
  }

  async currentJpeg(code: string, seesPrivate = true): Promise<Buffer> {
    const t = await this.service.watchedTarget(code, seesPrivate);
    const b = await this.repo.currentThumbnail(t.camera_id);
    if (b === null) throw new NotFoundException(`camera ${code} has no snapshot yet`);
    return b;
  }

  async referenceJpeg(code: string, slot: 'day' | 'night' | null, seesPrivate = true): Promise<Buffer> {
    const t = await this.service.watchedTarget(code, seesPrivate);
    const b = await this.repo.referenceThumbnail(t.camera_id, slot);
    if (b === null) throw new NotFoundException(`camera ${code} has no ${slot ?? ''}${slot ? ' ' : ''}reference view yet`);
    return b;
  }

  async checkNow(code: string, seesPrivate = true): Promise<ViewAnswer> {
    const t = await this.service.watchedTarget(code, seesPrivate);
    await this.repo.ensureRow(t.camera_id);
    await this.service.check(t, { leaseOwner: null, source: 'manual' });
    return this.view(code, seesPrivate);
  }

  async setReference(code: string, by: string, seesPrivate = true): Promise<ViewAnswer> {
    await this.service.setReference(code, by, seesPrivate);
    return this.view(code, seesPrivate);
  }
}
