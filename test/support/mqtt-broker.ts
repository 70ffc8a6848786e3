/**
 * An MQTT broker for a test file: the real Mosquitto at 127.0.0.1:1883 when it is
 * reachable (CI), else an embedded aedes on a free port, so the suite passes on a
 * bare laptop. CAMNET_TEST_MQTT=aedes forces the embedded one.
 */
import * as net from 'node:net';
import { Aedes } from 'aedes';

export interface TestBroker {
  url: string;
  kind: 'mosquitto' | 'aedes';
  close(): Promise<void>;
}

const MOSQUITTO = { host: '127.0.0.1', port: 1883 };

function reachable(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** aedes in-process on 127.0.0.1 (MQTT 3.1.1 only: connect with protocolVersion 4). */
export async function startAedesBroker(port = 0): Promise<TestBroker> {
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as net.AddressInfo).port;
  return {
    url: `mqtt://127.0.0.1:${actual}`,
    kind: 'aedes',
    close: () => new Promise<void>((resolve) => broker.close(() => server.close(() => resolve()))),
  };
}

export async function openTestBroker(): Promise<TestBroker> {
  if (process.env.CAMNET_TEST_MQTT !== 'aedes' && (await reachable(MOSQUITTO.host, MOSQUITTO.port, 500))) {
    return { url: `mqtt://${MOSQUITTO.host}:${MOSQUITTO.port}`, kind: 'mosquitto', close: async () => undefined };
  }
  return startAedesBroker(0);
}
