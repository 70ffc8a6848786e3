/**
 * bench:view — picture-health analyses per second for 1920×1080 JPEGs, each one what
 * ViewService.check does minus the database: SnapshotClient.fetch from a camera on
 * loopback (ONVIF discovery once, then the picture's GET with HTTP Digest on a kept-alive
 * connection, under the check's deadline), measureSnapshot (sharp decode with
 * shrink-on-load to 320 px, thumbnail, features, frozen signature), the stored
 * reference unpacked, and analyse against it and the previous frame.
 * Target: 200/s (every station camera of a 150,000-camera nation every 15 minutes).
 *
 * The camera runs in this process, as the benchmark always measured it: serving a JPEG
 * is a small part of an analysis's cost, and counting it keeps the figure on the safe side.
 *
 * Before the timed run, VIEW_BENCH_ALONE analyses (default 200) run one at a time to
 * give the CPU of each step (fetch, measure, analyse), which the machine's other work
 * disturbs far less than the throughput.
 *
 * VIEW_BENCH_SECONDS (default 20), VIEW_BENCH_CONCURRENCY (default 8), VIEW_BENCH_FRAMES
 * (distinct 1080p frames served, default 6).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { VIEW_DEFAULTS } from '../src/config/config';
import { vendorTemplates } from '../src/simulator/onvif-reply.templates';
import type { SimDevice } from '../src/simulator/sim.types';
import { soapOperation } from '../src/simulator/soap.scanner';
import { analyse, lightSlot } from '../src/view/view.analyser';
import { meanAbsDiff, packFeatures, unpackFeatures } from '../src/view/view.features';
import { measureSnapshot } from '../src/view/view.frame';
import { SnapshotClient } from '../src/view/snapshot.client';
import { finishFrame, sceneRgb } from '../src/view/synthetic-scene';
import { cpuWindow, envNumber, machineNote, progress, round, runMain, Samples } from './bench.support';

const CAMERA: SimDevice = {
  code: 'BENCH-C1',
  user: 'admin',
  password: 'bench-pa55',
  vendor: 'Hikvision',
  model: null,
  ptz: false,
  headingDeg: 0,
  stationCode: null,
};

/**
 * One camera on loopback as the service meets it: the simulator's Hikvision replies to
 * GetServices, GetProfiles and GetSnapshotUri, and the JPEGs in turn behind HTTP Digest.
 * It lets any Digest answer in (the camera's own check is not camnet's cost).
 */
async function startCamera(jpegs: Buffer[]): Promise<{ url: string; close: () => void }> {
  const t = vendorTemplates(CAMERA.vendor);
  let served = 0;
  const server = http.createServer({ keepAlive: true, noDelay: true }, (req, res) => {
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const op = soapOperation(Buffer.concat(chunks).toString('utf8'));
        const reply =
          op === 'GetServices'
            ? t.services(CAMERA)
            : op === 'GetProfiles'
              ? { status: 200, body: t.profiles(CAMERA) }
              : op === 'GetSnapshotUri'
                ? { status: 200, body: t.snapshotUri(CAMERA) }
                : t.actionNotSupported;
        res.writeHead(reply.status, { 'Content-Type': 'application/soap+xml; charset=utf-8' }).end(reply.body);
      });
      return;
    }
    req.resume();
    if (!(req.headers.authorization ?? '').startsWith(`Digest username="${CAMERA.user}"`)) {
      res.writeHead(401, { 'WWW-Authenticate': 'Digest realm="bench", qop="auth", nonce="6e6f6e6365", algorithm=MD5' }).end();
      return;
    }
    const j = jpegs[served++ % jpegs.length];
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': j.length }).end(j);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/onvif/${CAMERA.code}/device_service`,
    close: () => {
      server.closeAllConnections();
      server.close();
    },
  };
}

/**
 * One camera's scene in n frames as a camera sends them: light from 80 % to 120 %,
 * sensor noise of its own per frame. Drawn at 960×540 and enlarged (1080p JPEGs of
 * realistic size without minutes of drawing), so every analysis is a real comparison
 * with the reference, as in service, and nearly all come out `ok`.
 */
async function frames1080(n: number): Promise<Buffer[]> {
  const { data, width, height } = sceneRgb({ seed: 1000, width: 960, height: 540 });
  const big = await sharp(Buffer.from(data.buffer, data.byteOffset, data.length), { raw: { width, height, channels: 3 } })
    .resize(1920, 1080)
    .raw()
    .toBuffer();
  const px = new Uint8ClampedArray(big.buffer, big.byteOffset, big.length);
  const out: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    out.push(await finishFrame(px, 1920, 1080, { gain: 0.8 + (0.4 * i) / Math.max(1, n - 1), noise: 3, noiseSeed: 12345 + i, quality: 85 }));
  }
  return out;
}

async function main(): Promise<Record<string, unknown>> {
  const seconds = envNumber('VIEW_BENCH_SECONDS', 20);
  const concurrency = envNumber('VIEW_BENCH_CONCURRENCY', 8);
  const nFrames = envNumber('VIEW_BENCH_FRAMES', 6);
  const alone = envNumber('VIEW_BENCH_ALONE', 200);
  const machine = machineNote();
  progress(`machine: ${JSON.stringify(machine)}; sharp concurrency ${sharp.concurrency()}, libuv threads ${process.env.UV_THREADPOOL_SIZE ?? 4}`);
  progress(`drawing ${nFrames} 1920×1080 frames…`);
  const jpegs = await frames1080(nFrames);
  progress(`frames of ${jpegs.map((j) => Math.round(j.length / 1024)).join(', ')} KB`);
  const camera = await startCamera(jpegs);
  const snapshots = new SnapshotClient(VIEW_DEFAULTS.maxBytes);
  const target = { url: camera.url, user: CAMERA.user, password: CAMERA.password };
  const fetchSnapshot = async (): Promise<Buffer> => {
    const r = await snapshots.fetch(target, AbortSignal.timeout(VIEW_DEFAULTS.timeoutMs));
    if (r.kind !== 'image') throw new Error(`the bench camera gave no picture: ${r.kind === 'error' ? r.message : r.reason}`);
    return r.bytes;
  };
  // The reference as the database gives it back: packed, unpacked for every check.
  const first = await measureSnapshot(await fetchSnapshot());
  const stored = packFeatures(first.features);
  let previous = first.signature;
  // CPU per step of an analysis that runs alone: with nothing else in flight, the
  // process's CPU during a step (its threads included) is that step's.
  const steps = { fetch: 0, measure: 0, analyse: 0 };
  const cpuNow = (): number => {
    const c = process.cpuUsage();
    return c.user + c.system;
  };
  const oneAnalysis = async (timed = false): Promise<string> => {
    const t0 = timed ? cpuNow() : 0;
    const bytes = await fetchSnapshot();
    const t1 = timed ? cpuNow() : 0;
    const m = await measureSnapshot(bytes);
    const t2 = timed ? cpuNow() : 0;
    const slot = lightSlot(m.features, VIEW_DEFAULTS);
    const a = analyse(
      {
        features: m.features,
        madToPrevious: meanAbsDiff(m.signature, previous),
        previousFrozenRun: 0,
        reference: slot === 'day' ? unpackFeatures(stored.scalars, stored.vectors) : null,
        otherReference: slot === 'day' ? null : unpackFeatures(stored.scalars, stored.vectors),
        fovDeg: 60,
      },
      VIEW_DEFAULTS,
    );
    previous = m.signature;
    if (timed) {
      const t3 = cpuNow();
      steps.fetch += t1 - t0;
      steps.measure += t2 - t1;
      steps.analyse += t3 - t2;
    }
    return a.state;
  };
  // warm-up
  for (let i = 0; i < 20; i++) await oneAnalysis();
  progress(`${alone} analyses one at a time…`);
  for (let i = 0; i < alone; i++) await oneAnalysis(true);
  const perStep = (us: number): number => round(us / 1000 / Math.max(1, alone), 2);
  const aloneCpu = {
    fetch: perStep(steps.fetch),
    measure: perStep(steps.measure),
    analyse: perStep(steps.analyse),
    total: perStep(steps.fetch + steps.measure + steps.analyse),
  };
  progress(`measuring ${seconds} s with ${concurrency} analyses in flight…`);
  const latency = new Samples();
  const states = new Map<string, number>();
  let done = 0;
  let rssMax = 0;
  const until = performance.now() + seconds * 1000;
  const cpu = cpuWindow();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const s = await oneAnalysis();
        latency.add(performance.now() - t0);
        states.set(s, (states.get(s) ?? 0) + 1);
        done++;
        if (done % 50 === 0) rssMax = Math.max(rssMax, process.memoryUsage.rss());
      }
    }),
  );
  const w = cpu.stop();
  snapshots.close();
  camera.close();
  const perS = done / w.wallS;
  const lat = latency.summary();
  const figures = {
    bench: 'view',
    analyses: done,
    analyses_per_s: round(perS, 1),
    target_per_s: 200,
    cpu_ms_per_analysis: round((w.processCores * 1000) / perS, 2),
    alone_cpu_ms: aloneCpu,
    process_cores: round(w.processCores, 2),
    machine_cores_busy: w.machineCores,
    latency_p50_ms: round(lat.p50, 1),
    latency_p95_ms: round(lat.p95, 1),
    rss_max_mb: Math.round(Math.max(rssMax, process.memoryUsage.rss()) / 1048576),
    states: Object.fromEntries(states),
    concurrency,
    frame_kb: Math.round(jpegs.reduce((s, j) => s + j.length, 0) / jpegs.length / 1024),
    machine,
  };
  progress(
    `${figures.analyses_per_s} analyses/s, ${figures.cpu_ms_per_analysis} ms CPU each (alone: ${JSON.stringify(aloneCpu)}), p95 ${figures.latency_p95_ms} ms, RSS ${figures.rss_max_mb} MB`,
  );
  return figures;
}

runMain(main);
