/**
 * The embedded MQTT broker of `npm start`: aedes in-process on 127.0.0.1, so a
 * bare machine needs no Mosquitto. aedes speaks MQTT 3.1.1 only and ignores
 * shared subscriptions; production uses a real broker through MQTT_URL.
 */
import * as net from 'node:net';
import { Aedes, type AedesOptions, type AuthenticateError } from 'aedes';
import { mayPublish, maySubscribe, MqttIdentity } from './mqtt-credentials';

/** Who a connecting client is (null: refused). Without it the broker is open, as the tests' brokers are. */
export interface BrokerAuth {
  identify(username: string | undefined, password: Buffer | undefined): Promise<MqttIdentity | null>;
}

export interface EmbeddedBroker {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function startEmbeddedBroker(port: number, host = '127.0.0.1', auth?: BrokerAuth): Promise<EmbeddedBroker> {
  const broker = await Aedes.createBroker(auth ? guarded(auth) : {});
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

/**
 * The same rule Mosquitto's password file and ACL give (deploy/mosquitto/): a
 * client must log in; a station publishes only under its own topics, and its
 * Will too (aedes asks authorizePublish before it sends a Will); only camnet's
 * account subscribes.
 */
function guarded(auth: BrokerAuth): AedesOptions {
  const who = new WeakMap<object, MqttIdentity>();
  const refusal = (message: string, returnCode: number): AuthenticateError =>
    Object.assign(new Error(message), { returnCode: returnCode as AuthenticateError['returnCode'] });
  return {
    authenticate: (client, username, password, done) => {
      auth.identify(username, password).then(
        (identity) => {
          if (!identity) return done(refusal('bad user name or password', 4), false);
          who.set(client, identity);
          done(null, true);
        },
        () => done(refusal('server unavailable', 3), false),
      );
    },
    authorizePublish: (client, packet, done) => {
      // A null client is the broker itself ($SYS); anyone else must be known and within their topics.
      if (client === null) return done(null);
      const identity = who.get(client);
      done(identity && mayPublish(identity, packet.topic) ? null : new Error(`publishing on ${packet.topic} is not allowed`));
    },
    authorizeSubscribe: (client, sub, done) => {
      const identity = who.get(client);
      done(null, identity && maySubscribe(identity, sub.topic) ? sub : null);
    },
  };
}
