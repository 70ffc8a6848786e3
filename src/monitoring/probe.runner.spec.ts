import { Registry } from 'prom-client';
import { ManualClock } from '../common/clock';
import { loadConfig } from '../config/config';
import type { CameraStateService } from './camera-state.service';
import type { MaintenanceService } from './maintenance.service';
import { MonitoringMetrics } from './monitoring.metrics';
import type { ProbeResult } from './onvif/onvif.types';
import { CameraProbe, CheckTarget, nextCheckDelayS, ProbeRunner } from './probe.runner';

const okResult: ProbeResult = {
  ok: true,
  reachable: true,
  error: null,
  clockOffsetS: 0.2,
  ptz: null,
  headingDeg: null,
  device: null,
  latencyMs: 1,
  warnings: [],
};
const target: CheckTarget = {
  cameraId: 7,
  code: 'ST-0001-C1',
  url: 'http://127.0.0.1:9/onvif/ST-0001-C1/device_service',
  user: 'u',
  password: 'p',
  ptz: false,
  registeredDeg: 90,
  stationCode: 'ST-0001',
  communeCode: '27694',
  communeCode2025: null,
  status: 'online',
  failures: 0,
  intervalS: 60,
};

function setup(probe: Partial<CameraProbe>) {
  const clock = new ManualClock(Date.parse('2025-03-01T10:00:00Z'));
  const applyCheck = jest.fn().mockResolvedValue({ status: 'online', previous: 'online', transition: false });
  const runner = new ProbeRunner(
    { check: jest.fn(), firstContact: jest.fn(), ...probe } as CameraProbe,
    { applyCheck } as unknown as CameraStateService,
    { covers: () => false } as unknown as MaintenanceService,
    new MonitoringMetrics(new Registry()),
    loadConfig({ CAMNET_PROBE_TIMEOUT_MS: '1000', CAMNET_PROBE_CONCURRENCY: '3' }),
    clock,
  );
  return { runner, applyCheck, clock };
}

describe('ProbeRunner', () => {
  afterEach(() => jest.useRealTimers());

  it('aborts a probe at its deadline and clears the timer when the probe returns first', async () => {
    jest.useFakeTimers();
    let seen: AbortSignal | null = null;
    const check = jest.fn((_t, signal: AbortSignal) => {
      seen = signal;
      return new Promise<ProbeResult>((resolve) =>
        signal.addEventListener('abort', () => resolve({ ...okResult, ok: false, reachable: false, error: { kind: 'timeout', message: 'aborted' } })),
      );
    });
    const { runner, applyCheck } = setup({ check });
    const run = runner.run(target, { source: 'onvif', leaseOwner: 'me' });
    expect(runner.inFlight).toBe(1);
    expect(runner.freeSlots).toBe(2);
    // A fixed camera: GetSystemDateAndTime + GetDeviceInformation → two request deadlines.
    await jest.advanceTimersByTimeAsync(1999);
    expect(seen!.aborted).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    const out = await run;
    expect(seen!.aborted).toBe(true);
    expect(out.result.error?.kind).toBe('timeout');
    expect(applyCheck.mock.calls[0][2].schedule.failures).toBe(1);
    expect(jest.getTimerCount()).toBe(0);
    expect(runner.inFlight).toBe(0);

    const fast = setup({ check: jest.fn().mockResolvedValue(okResult) });
    await fast.runner.run(target, { source: 'onvif', leaseOwner: 'me' });
    expect(jest.getTimerCount()).toBe(0);
  });

  it('turns a probe that throws into a failed result', async () => {
    const { runner, applyCheck } = setup({ check: jest.fn().mockRejectedValue(new Error('boom')) });
    const out = await runner.run({ ...target, failures: 3 }, { source: 'onvif', leaseOwner: 'me' });
    expect(out.result).toMatchObject({ ok: false, reachable: false, error: { kind: 'malformed', message: 'probe failed: boom' } });
    expect(applyCheck.mock.calls[0][2].schedule).toMatchObject({ failures: 4, leaseOwner: 'me' });
  });

  it('reports credentials refused at first contact as an auth failure, and asks first contact once', async () => {
    const { OnvifError } = await import('./onvif/onvif.types');
    const firstContact = jest
      .fn()
      .mockRejectedValueOnce(new OnvifError('auth', 'NotAuthorized'))
      .mockResolvedValue({ ptzXaddr: 'x', mediaXaddr: 'm', profileToken: 'P1', hasPtz: true });
    const check = jest.fn().mockResolvedValue(okResult);
    const { runner } = setup({ check, firstContact });
    const ptz = { ...target, ptz: true };
    expect((await runner.run(ptz, { source: 'onvif', leaseOwner: null })).result.error?.kind).toBe('auth');
    await runner.run(ptz, { source: 'onvif', leaseOwner: null });
    await runner.run(ptz, { source: 'onvif', leaseOwner: null });
    expect(firstContact).toHaveBeenCalledTimes(2);
    expect(check.mock.calls[2][0]).toMatchObject({ profileToken: 'P1', ptz: true });
  });

  it('skips the check when first contact found nobody there', async () => {
    const { OnvifError } = await import('./onvif/onvif.types');
    const check = jest.fn();
    const { runner } = setup({ check, firstContact: jest.fn().mockRejectedValue(new OnvifError('refused', 'ECONNREFUSED')) });
    const out = await runner.run({ ...target, ptz: true }, { source: 'onvif', leaseOwner: null });
    expect(out.result).toMatchObject({ reachable: false, error: { kind: 'refused' } });
    expect(check).not.toHaveBeenCalled();
  });
});

describe('nextCheckDelayS', () => {
  it('keeps the interval for a camera down a short time, then backs off up to 10×, and jitter only shortens', () => {
    expect(nextCheckDelayS(60, 0, 1)).toBe(60);
    expect(nextCheckDelayS(60, 0, 0)).toBe(54);
    expect(nextCheckDelayS(60, 4, 1)).toBe(60);
    expect(nextCheckDelayS(60, 5, 1)).toBe(120);
    expect(nextCheckDelayS(60, 6, 1)).toBe(240);
    expect(nextCheckDelayS(60, 7, 1)).toBe(480);
    expect(nextCheckDelayS(60, 8, 1)).toBe(600);
    expect(nextCheckDelayS(60, 50, 1)).toBe(600);
  });
});
