import { Logger } from '@nestjs/common';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { loadConfig } from '../../src/config/config';
import { WebhookNotifier } from '../../src/alerts/webhook.notifier';

interface Received {
  at: number;
  body: unknown;
  contentType: string | undefined;
}

/** A receiver on 127.0.0.1 that answers each request with the next scripted behaviour. */
async function receiver(script: ('fail' | 'ok' | 'hang')[]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ at: Date.now(), body: JSON.parse(Buffer.concat(chunks).toString('utf8')), contentType: req.headers['content-type'] });
      const step = script[Math.min(received.length - 1, script.length - 1)];
      if (step === 'hang') return; // never answers
      res.writeHead(step === 'ok' ? 204 : 503).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  return {
    url,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('WebhookNotifier (real HTTP server)', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('retries with growing delays until the receiver accepts, without blocking the caller', async () => {
    const server = await receiver(['fail', 'fail', 'ok']);
    try {
      // A long per-attempt timeout: a timer left uncleared would still be pending after the drain.
      const notifier = new WebhookNotifier(loadConfig({ CAMNET_WEBHOOK_URL: server.url }), { attempts: 4, baseDelayMs: 40, timeoutMs: 600_000 });
      const setSpy = jest.spyOn(global, 'setTimeout');
      const clearSpy = jest.spyOn(global, 'clearTimeout');
      // notify() hands back nothing to wait for: the caller goes on at once.
      expect(notifier.notify('#1', { event: 'alert.opened', alert: { id: 1, kind: 'offline' } })).toBeUndefined();
      expect(server.received).toHaveLength(0);
      await notifier.drain();

      expect(server.received).toHaveLength(3);
      expect(server.received.every((r) => r.contentType === 'application/json')).toBe(true);
      expect(server.received[2].body).toEqual({ event: 'alert.opened', alert: { id: 1, kind: 'offline' } });
      const gaps = [server.received[1].at - server.received[0].at, server.received[2].at - server.received[1].at];
      expect(gaps[0]).toBeGreaterThanOrEqual(35);
      expect(gaps[1]).toBeGreaterThanOrEqual(75); // doubled
      expect(warn).not.toHaveBeenCalled();
      const attemptTimers = setSpy.mock.results.filter((_, i) => setSpy.mock.calls[i][1] === 600_000).map((r) => r.value);
      expect(attemptTimers).toHaveLength(3);
      for (const t of attemptTimers) expect(clearSpy.mock.calls.some((c) => c[0] === t)).toBe(true);
      setSpy.mockRestore();
      clearSpy.mockRestore();
    } finally {
      await server.close();
    }
  });

  it('gives up after the last attempt and logs the failure once', async () => {
    const server = await receiver(['fail']);
    try {
      const notifier = new WebhookNotifier(loadConfig({ CAMNET_WEBHOOK_URL: server.url }), { attempts: 3, baseDelayMs: 5, timeoutMs: 1000 });
      notifier.notify('#2 (offline camera:C1)', { event: 'alert.opened' });
      await notifier.drain();
      expect(server.received).toHaveLength(3);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toMatch(/alert #2 \(offline camera:C1\) was not delivered.*HTTP 503/);
    } finally {
      await server.close();
    }
  });

  it('aborts an attempt that gets no answer in time and tries again', async () => {
    const server = await receiver(['hang', 'ok']);
    try {
      const notifier = new WebhookNotifier(loadConfig({ CAMNET_WEBHOOK_URL: server.url }), { attempts: 3, baseDelayMs: 5, timeoutMs: 100 });
      const started = Date.now();
      notifier.notify('#3', { event: 'alert.resolved' });
      await notifier.drain();
      expect(server.received).toHaveLength(2);
      expect(Date.now() - started).toBeGreaterThanOrEqual(95);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(warn).not.toHaveBeenCalled();
    } finally {
      await server.close();
    }
  });

  it('does nothing when no webhook is configured', async () => {
    const notifier = new WebhookNotifier(loadConfig({}), {});
    expect(notifier.enabled).toBe(false);
    notifier.notify('#4', {});
    await expect(notifier.drain()).resolves.toBeUndefined();
  });
});
