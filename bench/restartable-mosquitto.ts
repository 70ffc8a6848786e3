/**
 * A Mosquitto of the test's own that the test can stop the way operators do
 * (SIGTERM: `systemctl restart`, SIGKILL: a crash or the OOM killer) and start
 * again on the same port. Null when the mosquitto binary is not installed.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from './bench.support';

const BINARIES = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto', '/opt/homebrew/sbin/mosquitto'];

export interface RestartableMosquitto {
  url: string;
  kind: 'mosquitto';
  running: boolean;
  stop(signal: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: '127.0.0.1', port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export function mosquittoInstalled(): boolean {
  return BINARIES.some((b) => fs.existsSync(b));
}

export async function startRestartableMosquitto(): Promise<RestartableMosquitto | null> {
  const bin = BINARIES.find((b) => fs.existsSync(b));
  if (!bin) return null;
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camnet-test-mosquitto-'));
  const conf = path.join(dir, 'mosquitto.conf');
  const user = typeof process.getuid === 'function' && process.getuid() === 0 ? 'user root\n' : '';
  // message_size_limit as in docker-compose.yml; no persistence, as the retained Wills of a previous run would otherwise linger.
  fs.writeFileSync(
    conf,
    `${user}listener ${port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\npersistence false\nmessage_size_limit 16384\n` +
      `max_inflight_messages 0\nmax_queued_messages 100000\nlog_dest none\n`,
  );
  let child: ChildProcess | null = null;
  const guard = () => child?.kill('SIGKILL');
  process.once('exit', guard);
  const broker: RestartableMosquitto = {
    url: `mqtt://127.0.0.1:${port}`,
    kind: 'mosquitto',
    get running() {
      return child !== null && child.exitCode === null && child.signalCode === null;
    },
    async start() {
      if (broker.running) return;
      child = spawn(bin, ['-c', conf], { stdio: 'ignore' });
      const until = Date.now() + 10_000;
      while (!(await portOpen(port))) {
        if (Date.now() > until) throw new Error(`mosquitto (${bin}) did not listen on 127.0.0.1:${port} within 10 s`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop(signal) {
      const c = child;
      if (c === null || c.exitCode !== null || c.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        c.once('exit', () => resolve());
        c.kill(signal);
      });
    },
    async close() {
      await broker.stop('SIGKILL');
      process.off('exit', guard);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  await broker.start();
  return broker;
}
