/**
 * A Mosquitto of this test file's own, on a free loopback port: the real broker
 * (MQTT 5, shared subscriptions, Wills) without the traffic of other suites that
 * share the machine's broker on 1883, so message counts are exact. Falls back to
 * openTestBroker() (1883 or aedes) when the mosquitto binary is not installed.
 */
import { startPrivateMosquitto } from '../../bench/bench.support';
import { openTestBroker, TestBroker } from '../support/mqtt-broker';

export async function openPrivateBroker(): Promise<TestBroker & { kind: 'mosquitto' | 'aedes' }> {
  if (process.env.CAMNET_TEST_MQTT === 'aedes') return openTestBroker();
  try {
    const broker = await startPrivateMosquitto();
    return { url: broker.url, kind: 'mosquitto', close: broker.close };
  } catch {
    return openTestBroker();
  }
}
