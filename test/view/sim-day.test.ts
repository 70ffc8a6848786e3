/**
 * A clean simulated camera over a whole simulated day (every 30 minutes, through dawn,
 * noon, dusk and the infrared night) raises no picture alarm: the snapshots go through
 * the same decode, analysis, automatic day/night references and persistence rule as
 * ViewService.check.
 */
import { ManualClock } from '../../src/common/clock';
import { VIEW_DEFAULTS } from '../../src/config/config';
import { SimSceneRenderer } from '../../src/simulator/sim-scene';
import type { DeviceState } from '../../src/simulator/sim-fault.registry';
import { analyse, type LightSlot } from '../../src/view/view.analyser';
import { extractFeatures, frameSignature, meanAbsDiff, type ViewFeatures } from '../../src/view/view.features';
import { decodeFrame } from '../../src/view/view.frame';
import { stepView, type ViewMachineState } from '../../src/view/view.persistence';

jest.setTimeout(240_000);

test.each(['ST-0007-C1'])('%s: a clean scene over a simulated day raises no alarm', async (code) => {
  const clock = new ManualClock(Date.parse('2026-12-04T17:00:00Z')); // midnight in Long An
  const renderer = new SimSceneRenderer(clock);
  const device: DeviceState = {
    device: { code, user: 'u', password: 'p', vendor: 'Hikvision', model: null, ptz: false, headingDeg: 90, stationCode: null },
    station: null,
    faults: null,
    flapChecks: 0,
  };
  const refs: Partial<Record<LightSlot, ViewFeatures>> = {};
  let state: ViewMachineState = { state: 'unchecked', pendingState: null, pendingCount: 0 };
  let previous: Uint8Array | null = null;
  let frozenRun = 0;
  const seen: string[] = [];
  const slots = new Set<LightSlot>();
  for (let i = 0; i < 48; i++) {
    const d = await decodeFrame(await renderer.snapshot(device));
    const f = extractFeatures(d.grey, d.chroma);
    const sig = frameSignature(d.grey);
    const slot: LightSlot = f.chroma < VIEW_DEFAULTS.nightChroma || f.mean < VIEW_DEFAULTS.nightMean ? 'night' : 'day';
    slots.add(slot);
    const a = analyse(
      {
        features: f,
        madToPrevious: previous === null ? null : meanAbsDiff(sig, previous),
        previousFrozenRun: frozenRun,
        reference: refs[slot] ?? null,
        otherReference: refs[slot === 'day' ? 'night' : 'day'] ?? null,
        fovDeg: 60,
      },
      VIEW_DEFAULTS,
    );
    let observed = a.state;
    if (a.referenceCandidate) {
      refs[slot] = f;
      observed = 'ok';
    }
    const step = stepView(state, observed);
    state = step.next;
    frozenRun = a.frozenRun;
    previous = sig;
    seen.push(`${new Date(clock.now().getTime() + 7 * 3600e3).toISOString().slice(11, 16)} ${a.state}${step.issue ? ` → ${step.issue}` : ''}`);
    expect({ at: seen[seen.length - 1], issue: step.issue }).toEqual({ at: seen[seen.length - 1], issue: null });
    clock.advance(30 * 60_000);
  }
  expect(slots).toEqual(new Set(['day', 'night']));
  expect(seen.filter((s) => / (dark|blocked|blurred|frozen|moved)/.test(s))).toEqual([]);
});
