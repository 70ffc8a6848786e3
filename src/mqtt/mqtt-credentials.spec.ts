import { derivedStationPassword, hashMqttPassword, mayPublish, maySubscribe, serviceCredentials, verifyMqttPassword } from './mqtt-credentials';

describe('MQTT credentials', () => {
  it('verifies a hash written by mosquitto_passwd, and its own hashes', () => {
    // `mosquitto_passwd -c -b file alice s3cret` (Mosquitto 2.0.11)
    const fromMosquitto = '$7$101$w5LVx1dkQ42GLtmn$0583SrNU9JEgbyjkZoccACLXafjk9npJAuD+tc1KqARlXQxbbZ59jOObpnqsyxjmEiwQVbMdCrS+QS59UXdL+g==';
    expect(verifyMqttPassword('s3cret', fromMosquitto)).toBe(true);
    expect(verifyMqttPassword('s3cret!', fromMosquitto)).toBe(false);
    const own = hashMqttPassword('pw-1');
    expect(own).toMatch(/^\$7\$101\$/);
    expect(verifyMqttPassword('pw-1', own)).toBe(true);
    expect(verifyMqttPassword('pw-2', own)).toBe(false);
    expect(verifyMqttPassword('pw-1', 'plain-text')).toBe(false);
    expect(verifyMqttPassword('pw-1', '$7$999999999$AAAA$AAAA')).toBe(false);
  });

  it('lets a station publish under its own topics only, and only camnet subscribe', () => {
    const st = { kind: 'station' as const, code: 'ST-0001' };
    expect(mayPublish(st, 'camnet/v1/stations/ST-0001/heartbeat')).toBe(true);
    expect(mayPublish(st, 'camnet/v1/stations/ST-0002/heartbeat')).toBe(false);
    expect(mayPublish(st, 'camnet/v1/stations/ST-00011/status')).toBe(false);
    expect(mayPublish(st, 'camnet/v1/stations/ST-0001')).toBe(false);
    expect(mayPublish({ kind: 'service' }, 'camnet/v1/stations/ST-0002/status')).toBe(true);
    expect(maySubscribe(st, 'camnet/v1/stations/+/status')).toBe(false);
    expect(maySubscribe({ kind: 'service' }, 'camnet/v1/stations/+/status')).toBe(true);
  });

  it("derives a different password per station and key, and takes camnet's account from MQTT_URL when it names one", () => {
    const key = '0f'.repeat(32);
    expect(derivedStationPassword(key, 'ST-0001')).not.toBe(derivedStationPassword(key, 'ST-0002'));
    expect(derivedStationPassword(key, 'ST-0001')).not.toBe(derivedStationPassword('1f'.repeat(32), 'ST-0001'));
    expect(serviceCredentials('mqtt://svc:p%40ss@broker:1883', key)).toEqual({ username: 'svc', password: 'p@ss' });
    expect(serviceCredentials('mqtt://broker:1883', key).username).toBe('camnet');
  });
});
