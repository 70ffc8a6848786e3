/**
 * The embedded MQTT broker of `npm start`: aedes in-process on 127.0.0.1, so a
 * bare machine needs no Mosquitto. aedes speaks MQTT 3.1.1 only and ignores
 * shared subscriptions; production uses a real broker through MQTT_URL.
 */
import * as net from 'node:net';
import { Aedes } from 'aedes';

export interface EmbeddedBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(port: number, host = '127.0.0.1'): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker();
  const server = net.createServer(broker.handle);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as net.AddressInfo).port;
  return {
    url: `mqtt://${host}:${actual}`,
    port: actual,
    // aedes closes its clients first; only then can the listening server close.
    close: () => new Promise<void>((resolve) => broker.close(() => server.close(() => resolve()))),
  };
}
