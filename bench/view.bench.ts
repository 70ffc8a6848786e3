/**
 * bench:view — picture-health analyses per second for 1920×1080 JPEGs: each analysis
 * fetches a snapshot over loopback HTTP (keep-alive, as SnapshotClient does), decodes it
 * with sharp (shrink-on-load to 320 px), measures it and compares it with its reference
 * and previous frame, exactly as ViewService.check does minus the database writes.
 * Target: 200/s (every station camera of a 150,000-camera nation every 15 minutes).
 *
 * VIEW_BENCH_SECONDS (default 20), VIEW_BENCH_CONCURRENCY (default 8), VIEW_BENCH_FRAMES
 * (distinct 1080p frames served, default 6).
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import sharp from 'sharp';
import { VIEW_DEFAULTS } from '../src/config/config';
import { analyse } from '../src/view/view.analyser';
import { extractFeatures, frameSignature, meanAbsDiff } from '../src/view/view.features';
import { decodeFrame } from '../src/view/view.frame';
import { finishFrame, sceneRgb } from '../src/view/synthetic-scene';
import { cpuWindow, envNumber, machineNote, progress, round, runMain, Samples } from './bench.support';

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
  const machine = machineNote();
  progress(`machine: ${JSON.stringify(machine)}; sharp concurrency ${sharp.concurrency()}, libuv threads ${process.env.UV_THREADPOOL_SIZE ?? 4}`);
  progress(`drawing ${nFrames} 1920×1080 frames…`);
  const jpegs = await frames1080(nFrames);
  progress(`frames of ${jpegs.map((j) => Math.round(j.length / 1024)).join(', ')} KB`);
  let served = 0;
  const server = http.createServer({ keepAlive: true }, (req, res) => {
    const j = jpegs[served++ % jpegs.length];
    res.writeHead(200, { 'Content-Type': 'image/jpeg', 'Content-Length': j.length }).end(j);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const get = (): Promise<Buffer> =>
    new Promise((resolve, reject) => {
      http
        .get({ agent, host: '127.0.0.1', port, path: '/snapshot.jpg' }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks)));
          res.on('error', reject);
        })
        .on('error', reject);
    });
  const refDecoded = await decodeFrame(jpegs[0]);
  const reference = extractFeatures(refDecoded.grey, refDecoded.chroma);
  let previous = frameSignature(refDecoded.grey);
  const oneAnalysis = async (): Promise<string> => {
    const bytes = await get();
    const d = await decodeFrame(bytes);
    const f = extractFeatures(d.grey, d.chroma);
    const sig = frameSignature(d.grey);
    const a = analyse(
      { features: f, madToPrevious: meanAbsDiff(sig, previous), previousFrozenRun: 0, reference, otherReference: null, fovDeg: 60 },
      VIEW_DEFAULTS,
    );
    previous = sig;
    return a.state;
  };
  // warm-up
  for (let i = 0; i < 20; i++) await oneAnalysis();
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
        if (done % 50 === 0) rssMax = Math.max(rssMax, process.memoryUsage().rss);
      }
    }),
  );
  const w = cpu.stop();
  server.close();
  agent.destroy();
  const perS = done / w.wallS;
  const lat = latency.summary();
  const figures = {
    bench: 'view',
    analyses: done,
    analyses_per_s: round(perS, 1),
    target_per_s: 200,
    cpu_ms_per_analysis: round((w.processCores * 1000) / perS, 2),
    process_cores: round(w.processCores, 2),
    machine_cores_busy: w.machineCores,
    latency_p50_ms: round(lat.p50, 1),
    latency_p95_ms: round(lat.p95, 1),
    rss_max_mb: Math.round(Math.max(rssMax, process.memoryUsage().rss) / 1048576),
    states: Object.fromEntries(states),
    concurrency,
    frame_kb: Math.round(jpegs.reduce((s, j) => s + j.length, 0) / jpegs.length / 1024),
    machine,
  };
  progress(`${figures.analyses_per_s} analyses/s, ${figures.cpu_ms_per_analysis} ms CPU each, p95 ${figures.latency_p95_ms} ms, RSS ${figures.rss_max_mb} MB`);
  return figures;
}

runMain(main);
