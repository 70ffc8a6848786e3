/**
 * Alert e-mails against a real SMTP server started here (smtp-server): routed per
 * district and commune, a storm of alerts as one digest per recipient, the test
 * message, and settings refused at start.
 */
import { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { EventBus } from '../../src/common/event-bus';
import { ConfigError, loadConfig } from '../../src/config/config';
import { EmailNotifier } from '../../src/notify/email.notifier';
import { startTestCamnet, TestCamnet } from '../support/camnet';
import { loadConsoleFixtures } from './console.fixtures';

interface Received {
  from: string;
  to: string[];
  raw: string;
}

function startSmtp(): Promise<{ port: number; received: Received[]; close(): Promise<void> }> {
  const received: Received[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.setEncoding('utf8');
      stream.on('data', (c: string) => (raw += c));
      stream.on('end', () => {
        received.push({ from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '', to: session.envelope.rcptTo.map((r) => r.address), raw });
        callback();
      });
    },
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      resolve({ port: (server.server.address() as AddressInfo).port, received, close: () => new Promise<void>((r) => server.close(() => r())) });
    });
  });
}

/** The decoded body of a received message (nodemailer writes quoted-printable for non-ASCII text). */
function bodyOf(raw: string): string {
  const body = raw.slice(raw.indexOf('\r\n\r\n') + 4);
  return body.replace(/=\r\n/g, '').replace(/(=[0-9A-F]{2})+/g, (m) => Buffer.from(m.replace(/=/g, ''), 'hex').toString('utf8'));
}

/** The decoded Subject header (folded lines, RFC 2047 Q-encoded words). */
function subjectOf(raw: string): string {
  const head = raw.slice(0, raw.indexOf('\r\n\r\n')).replace(/\r\n[ \t]/g, ' ');
  const line = /^Subject: (.*)$/m.exec(head)?.[1] ?? '';
  return line
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?UTF-8\?Q\?(.*?)\?=/gi, (_, q: string) =>
      q.replace(/_/g, ' ').replace(/(=[0-9A-F]{2})+/g, (m) => Buffer.from(m.replace(/=/g, ''), 'hex').toString('utf8')),
    );
}

describe('alert e-mails over SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let t: TestCamnet;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestCamnet({
      seed: false,
      env: {
        CAMNET_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        CAMNET_MAIL_FROM: 'camnet <camnet@longan.example>',
        CAMNET_MAIL_TO: 'ops@longan.example',
        CAMNET_MAIL_ROUTES: 'district:801=tech801@longan.example;commune:30003=xa-ba@longan.example',
        CAMNET_MAIL_DIGEST_MIN: '15',
      },
    });
    await loadConsoleFixtures(t.db.dataSource);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('sends a storm of alerts as one digest per recipient, each to the people of its district or commune', async () => {
    const bus = t.camnet.app.get(EventBus);
    const at = new Date('2026-12-01T12:00:00Z');
    bus.emit('alert.changed', { id: 101, kind: 'station_down', subject: 'station:ST-B', state: 'open', at });
    bus.emit('alert.changed', { id: 102, kind: 'offline', subject: 'camera:ST-A-C1', state: 'open', at });
    bus.emit('alert.changed', { id: 103, kind: 'clock_drift', subject: 'camera:CIT-1', state: 'open', at });
    bus.emit('alert.changed', { id: 102, kind: 'offline', subject: 'camera:ST-A-C1', state: 'acked', at });
    // Nothing is sent before the digest period ends.
    await new Promise((r) => setTimeout(r, 300));
    expect(smtp.received).toEqual([]);
    await t.camnet.app.get(EmailNotifier).flush();

    const byRecipient = Object.fromEntries(smtp.received.map((m) => [m.to.join(','), m]));
    expect(Object.keys(byRecipient).sort()).toEqual(['ops@longan.example', 'tech801@longan.example', 'xa-ba@longan.example']);
    expect(smtp.received).toHaveLength(3);
    const ops = bodyOf(byRecipient['ops@longan.example'].raw);
    expect(ops).toContain('#101 station:ST-B');
    expect(ops).toContain('#102 camera:ST-A-C1');
    expect(ops).toContain('#103 camera:CIT-1 — lệch đồng hồ / clock drift — Xã Ba, Huyện Thử');
    expect(subjectOf(byRecipient['ops@longan.example'].raw)).toBe('camnet: 3 thay đổi cảnh báo, 3 mới / 3 alert changes, 3 new');
    const d801 = bodyOf(byRecipient['tech801@longan.example'].raw);
    expect(d801).toContain('#101 station:ST-B');
    expect(d801).not.toContain('#102');
    expect(bodyOf(byRecipient['xa-ba@longan.example'].raw)).toContain('#103 camera:CIT-1');
    expect(byRecipient['ops@longan.example'].from).toBe('camnet@longan.example');
  });

  it('sends a test message to every recipient, for an admin only', async () => {
    smtp.received.length = 0;
    await t.as('technician').post('/api/notifications/test').send({}).expect(403);
    const bad = await t.as('admin').post('/api/notifications/test').send({ to: 'nobody' }).expect(400);
    expect(bad.body.errors[0].field).toBe('to');
    const res = await t.as('admin').post('/api/notifications/test').send({}).expect(200);
    expect(res.body.sent_to).toEqual(['ops@longan.example', 'tech801@longan.example', 'xa-ba@longan.example']);
    expect(smtp.received.map((m) => m.to[0]).sort()).toEqual(res.body.sent_to);
    expect(subjectOf(smtp.received[0].raw)).toBe('camnet: thư thử / test message');
    expect(bodyOf(smtp.received[0].raw)).toContain('A test message sent by bootstrap from camnet.');
  });

  it('refuses bad settings at start, naming each', () => {
    expect(() => loadConfig({ CAMNET_SMTP_URL: 'smtp://127.0.0.1:25', CAMNET_MAIL_TO: 'ops', CAMNET_MAIL_DIGEST_MIN: 'often' })).toThrow(ConfigError);
    try {
      loadConfig({ CAMNET_SMTP_URL: 'smtp://127.0.0.1:25', CAMNET_MAIL_TO: 'ops', CAMNET_MAIL_DIGEST_MIN: 'often' });
    } catch (err) {
      expect((err as ConfigError).problems).toEqual([
        'CAMNET_MAIL_TO: "ops" is not an e-mail address',
        'CAMNET_MAIL_DIGEST_MIN must be an integer between 0 and 1440, got "often"',
      ]);
    }
  });
});
