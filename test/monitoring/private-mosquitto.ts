/**
 * A Mosquitto of this test file's own, on a free loopback port: the real broker
 * (MQTT 5, shared subscriptions, Wills) without the traffic of other suites that
 * share the machine's broker on 1883, so message counts are exact. Falls back to
 * openTestBroker() (1883 or aedes) when the mosquitto binary is not installed.
 */
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { openTestBroker, TestBroker } from '../support/mqtt-broker';

const BINARIES = ['/usr/sbin/mosquitto', '/usr/bin/mosquitto', '/usr/local/sbin/mosquitto', '/opt/homebrew/sbin/mosquitto'];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '127.0.0.1', port });
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

export async function openPrivateBroker(): Promise<TestBroker & { kind: 'mosquitto' | 'aedes' }> {
  const bin = process.env.CAMNET_TEST_MQTT === 'aedes' ? undefined : BINARIES.find((b) => fs.existsSync(b));
  if (!bin) return openTestBroker();
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'camnet-mosquitto-'));
  const conf = path.join(dir, 'mosquitto.conf');
  // Running as root, mosquitto drops to the "mosquitto" user unless told to stay.
  const user = typeof process.getuid === 'function' && process.getuid() === 0 ? 'user root\n' : '';
  fs.writeFileSync(conf, `${user}listener ${port} 127.0.0.1\nallow_anonymous true\nset_tcp_nodelay true\npersistence false\nmax_inflight_messages 0\nmax_queued_messages 100000\n`);
  const child: ChildProcess = spawn(bin, ['-c', conf], { stdio: 'ignore' });
  if (!(await waitForPort(port, 5000))) {
    child.kill('SIGKILL');
    return openTestBroker();
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    kind: 'mosquitto',
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
