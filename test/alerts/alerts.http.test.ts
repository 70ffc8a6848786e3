import { INestApplication } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { AlertsModule } from '../../src/alerts/alerts.module';
import { AlertService } from '../../src/alerts/alert.service';
import { SSE_HEARTBEAT_MS } from '../../src/alerts/events.service';
import { AuthModule } from '../../src/auth/auth.module';
import { TokenService } from '../../src/auth/token.service';
import { ManualClock } from '../../src/common/clock';
import { EventBus } from '../../src/common/event-bus';
import { applyHttpDefaults } from '../../src/http-defaults';
import { UptimeModule } from '../../src/uptime/uptime.module';
import { testCoreModule } from '../support/core';
import { openTestDatabase, TestDatabase } from '../support/database';

const T0 = Date.parse('2025-06-01T08:00:00Z');

interface SseMessage {
  event?: string;
  data?: string;
  comment?: string;
}

/** Opens the event stream over real HTTP and collects its messages as they arrive. */
function openStream(baseUrl: string, token: string) {
  const messages: SseMessage[] = [];
  let buffer = '';
  let status = 0;
  let contentType = '';
  const req = http.get(`${baseUrl}/api/events?access_token=${encodeURIComponent(token)}`);
  const opened = new Promise<void>((resolve, reject) => {
    req.on('error', reject);
    req.on('response', (res) => {
      status = res.statusCode ?? 0;
      contentType = String(res.headers['content-type'] ?? '');
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const m: SseMessage = {};
          for (const line of block.split('\n')) {
            if (line.startsWith(': ')) m.comment = line.slice(2);
            else if (line.startsWith('event: ')) m.event = line.slice(7);
            else if (line.startsWith('data: ')) m.data = (m.data ?? '') + line.slice(6);
          }
          if (m.comment || m.event || m.data) messages.push(m);
        }
      });
      resolve();
    });
  });
  return {
    messages,
    opened,
    status: () => status,
    contentType: () => contentType,
    close: () => req.destroy(),
    async waitFor(pred: (m: SseMessage) => boolean, timeoutMs = 5000): Promise<SseMessage> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(pred);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no such event within ${timeoutMs} ms; got ${JSON.stringify(messages)}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
  };
}

describe('alerts, events and uptime over HTTP', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let baseUrl: string;
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    db = await openTestDatabase();
    await db.dataSource.query(
      `INSERT INTO camera (code, ownership, commune_code, lat, lon, heading_deg, fov_deg, range_m) VALUES ('CAM-H1', 'citizen', '27700', 10.6, 106.4, 0, 60, 40)`,
    );
    const moduleRef = await Test.createTestingModule({
      imports: [testCoreModule(db.dataSource, new ManualClock(T0)), AuthModule, AlertsModule, UptimeModule],
    })
      .overrideProvider(SSE_HEARTBEAT_MS)
      .useValue(100)
      .compile();
    app = moduleRef.createNestApplication<NestExpressApplication>({ logger: false });
    applyHttpDefaults(app as NestExpressApplication);
    await app.listen(0, '127.0.0.1');
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const tokenService = app.get(TokenService);
    for (const role of ['admin', 'technician', 'police', 'planner'] as const) tokens[role] = (await tokenService.create(`${role} user`, role)).token;
  });

  afterAll(async () => {
    await app?.close();
    await db?.close();
  });

  it('streams status and alert changes, with heartbeats, to a client authenticated by ?access_token=', async () => {
    const stream = openStream(baseUrl, tokens.police);
    try {
      await stream.opened;
      expect(stream.status()).toBe(200);
      expect(stream.contentType()).toContain('text/event-stream');
      await stream.waitFor((m) => m.comment === 'connected');

      const bus = app.get(EventBus);
      bus.emit('status.changed', {
        subject: 'camera',
        id: 1,
        code: 'CAM-H1',
        status: 'offline',
        previous: 'online',
        at: new Date(T0),
        reason: 'timeout',
      });
      const status = await stream.waitFor((m) => m.event === 'status');
      expect(JSON.parse(status.data!)).toEqual({
        subject: 'camera',
        code: 'CAM-H1',
        status: 'offline',
        previous: 'online',
        at: '2025-06-01T08:00:00.000Z',
        reason: 'timeout',
      });

      bus.emit('alert.action', { action: 'open', kind: 'offline', subject: 'camera:CAM-H1', at: new Date(T0), details: {} });
      const alert = await stream.waitFor((m) => m.event === 'alert');
      expect(JSON.parse(alert.data!)).toMatchObject({ kind: 'offline', subject: 'camera:CAM-H1', state: 'open', at: '2025-06-01T08:00:00.000Z' });

      await stream.waitFor((m) => m.comment === 'heartbeat', 2000);
    } finally {
      stream.close();
    }
  });

  it('refuses the stream without a token', async () => {
    await request(app.getHttpServer()).get('/api/events').expect(401);
  });

  it('lists and acknowledges alerts, for technicians and admins only, and audits the ack', async () => {
    const alerts = app.get(AlertService);
    await alerts.settled();
    const [open] = await alerts.list('open');
    expect(open).toBeDefined();

    const list = await request(app.getHttpServer()).get('/api/alerts?state=open&limit=10').set('Authorization', `Bearer ${tokens.admin}`).expect(200);
    expect(list.body.map((a: { id: number }) => a.id)).toContain(open.id);
    // CAM-H1 is a citizen's camera: technicians get private cameras as counts only, not their alerts.
    const asTechnician = await request(app.getHttpServer())
      .get('/api/alerts?state=open&limit=10')
      .set('Authorization', `Bearer ${tokens.technician}`)
      .expect(200);
    expect(asTechnician.body.map((a: { id: number }) => a.id)).not.toContain(open.id);
    await request(app.getHttpServer()).get('/api/alerts').set('Authorization', `Bearer ${tokens.police}`).expect(403);
    const bad = await request(app.getHttpServer()).get('/api/alerts?state=closed').set('Authorization', `Bearer ${tokens.admin}`).expect(400);
    expect(bad.body.message).toMatch(/state must be one of open, acked, resolved/);

    await request(app.getHttpServer()).post(`/api/alerts/${open.id}/ack`).set('Authorization', `Bearer ${tokens.planner}`).expect(403);
    const acked = await request(app.getHttpServer()).post(`/api/alerts/${open.id}/ack`).set('Authorization', `Bearer ${tokens.technician}`).expect(200);
    expect(acked.body).toMatchObject({ id: open.id, state: 'acked', acked_by: 'technician user' });
    await request(app.getHttpServer()).post(`/api/alerts/424242/ack`).set('Authorization', `Bearer ${tokens.admin}`).expect(404);

    const audit = await db.dataSource.query(`SELECT action, target FROM audit_log WHERE action = 'alert.ack' AND outcome = 'ok'`);
    expect(audit).toEqual([{ action: 'alert.ack', target: String(open.id) }]);
  });

  it('answers uptime reports with clear errors', async () => {
    const ok = await request(app.getHttpServer()).get('/api/uptime?scope=camera&code=CAM-H1').set('Authorization', `Bearer ${tokens.planner}`).expect(200);
    expect(ok.body).toMatchObject({ scope: 'camera', code: 'CAM-H1', cameras: 1, unknown_s: 86400, uptime_pct: null });
    const scope = await request(app.getHttpServer()).get('/api/uptime?scope=province&code=80').set('Authorization', `Bearer ${tokens.admin}`).expect(400);
    expect(scope.body.message).toMatch(/scope must be one of camera, station, commune, district/);
    const missing = await request(app.getHttpServer()).get('/api/uptime?scope=commune&code=12345').set('Authorization', `Bearer ${tokens.admin}`).expect(404);
    expect(missing.body.message).toMatch(/no commune with code "12345"/);
  });
});
