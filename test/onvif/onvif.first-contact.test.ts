/** First contact through the onvif package against replayed captures. */
import { firstContact } from '../../src/monitoring/onvif/onvif.first-contact';
import { OnvifError } from '../../src/monitoring/onvif/onvif.types';
import { closedPort, startReplay, type ReplayServer } from './replay-server';

const USER = 'admin';
const PASSWORD = 'secret';

async function withDevice<T>(device: string, fn: (s: ReplayServer) => Promise<T>): Promise<T> {
  const s = await startReplay({ device, user: USER, password: PASSWORD });
  try {
    return await fn(s);
  } finally {
    await s.close();
  }
}

const target = (s: ReplayServer) => ({ url: s.url(), user: USER, password: PASSWORD });

describe('firstContact (onvif package)', () => {
  it('Axis Q6045-E: GetServices faults, falls back to GetCapabilities; PTZ found, rebased', async () => {
    await withDevice('axis-q6045e-ptz', async (s) => {
      const r = await firstContact(target(s), new AbortController().signal);
      const base = `http://127.0.0.1:${s.port}`;
      expect(r).toEqual({ ptzXaddr: `${base}/onvif/services`, mediaXaddr: `${base}/onvif/services`, profileToken: 'profile_1_h264', hasPtz: true });
      const actions = s.requests.map((q) => q.action);
      expect(actions.indexOf('GetServices')).toBeGreaterThanOrEqual(0);
      expect(actions.indexOf('GetCapabilities')).toBeGreaterThan(actions.indexOf('GetServices'));
      expect(actions).toContain('GetProfiles');
    });
  });

  it('Hikvision PTZ: GetServices, PTZ at /onvif/PTZ, Profile_1', async () => {
    await withDevice('hikvision-ds2df7276-ptz', async (s) => {
      const r = await firstContact(target(s), new AbortController().signal);
      const base = `http://127.0.0.1:${s.port}`;
      expect(r).toEqual({ ptzXaddr: `${base}/onvif/PTZ`, mediaXaddr: `${base}/onvif/Media`, profileToken: 'Profile_1', hasPtz: true });
      expect(s.requests.map((q) => q.action)).not.toContain('GetCapabilities');
      // Every request went to the configured host (the server saw them) with WS-Security.
      expect(s.requests.find((q) => q.action === 'GetProfiles')?.path).toBe('/onvif/Media');
    });
  });

  it('Hikvision fixed: no PTZ', async () => {
    await withDevice('hikvision-ds2cd2012-fixed', async (s) => {
      const r = await firstContact(target(s), new AbortController().signal);
      expect(r).toMatchObject({ ptzXaddr: null, profileToken: 'Profile_1', hasPtz: false });
    });
  });

  it('Pelco: profile token "0" stays the string "0"', async () => {
    await withDevice('pelco-d6230l-ptz', async (s) => {
      const r = await firstContact(target(s), new AbortController().signal);
      expect(r.profileToken).toBe('0');
      expect(r.hasPtz).toBe(true);
      expect(r.ptzXaddr).toBe(`http://127.0.0.1:${s.port}/onvif/ptz_service`);
    });
  });

  it('wrong password → auth', async () => {
    await withDevice('hikvision-ds2df7276-ptz', async (s) => {
      const e = await firstContact({ ...target(s), password: 'bad' }, new AbortController().signal).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(OnvifError);
      expect((e as OnvifError).kind).toBe('auth');
    });
  });

  it('closed port → refused; a hang → timeout on abort', async () => {
    const port = await closedPort();
    const e = await firstContact({ url: `http://127.0.0.1:${port}/onvif/device_service`, user: null, password: null }, new AbortController().signal).catch(
      (x: unknown) => x,
    );
    expect((e as OnvifError).kind).toBe('refused');
    await withDevice('hikvision-ds2df7276-ptz', async (s) => {
      s.fault = 'hang';
      const ac = new AbortController();
      const t = setTimeout(() => ac.abort(), 100);
      try {
        const h = await firstContact(target(s), ac.signal, { packageTimeoutMs: 500 }).catch((x: unknown) => x);
        expect((h as OnvifError).kind).toBe('timeout');
      } finally {
        clearTimeout(t);
      }
    });
  });
});
