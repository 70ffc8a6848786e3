import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('gives embedded defaults on an empty environment', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({
      port: 3000,
      databaseUrl: null,
      mqttUrl: null,
      mqttEmbeddedPort: 1884,
      simulator: true,
      seed: 'auto',
      pollIntervalS: 60,
      probeTimeoutMs: 5000,
      simPort: 8899,
      dbPoolSize: 1,
    });
    expect(c.dataDir).toMatch(/data$/);
  });

  it('turns the simulator off and needs a secret key in production', () => {
    expect(() => loadConfig({ DATABASE_URL: 'postgresql://db/camnet' })).toThrow(/CAMNET_SECRET_KEY is required with DATABASE_URL/);
    const c = loadConfig({ DATABASE_URL: 'postgresql://db/camnet', CAMNET_SECRET_KEY: 'ab'.repeat(32) });
    expect(c).toMatchObject({ simulator: false, dbPoolSize: 10 });
  });

  it('takes an XYZ tile template with its attribution, and refuses one without {z}/{x}/{y}', () => {
    expect(loadConfig({ TILE_URL: 'http://127.0.0.1:8080/tile/{z}/{x}/{y}.png' })).toMatchObject({ tileAttribution: '© OpenStreetMap contributors' });
    expect(loadConfig({ TILE_URL: 'http://t/{z}/{x}/{y}.png', TILE_ATTRIBUTION: '© Cục Đo đạc' }).tileAttribution).toBe('© Cục Đo đạc');
    expect(() => loadConfig({ TILE_URL: 'http://127.0.0.1:8080/tiles.mbtiles' })).toThrow(/TILE_URL must be an XYZ template with \{z\}, \{x\} and \{y\}/);
  });

  it('names every bad variable at once, with what it should be', () => {
    let error: ConfigError | null = null;
    try {
      loadConfig({
        PORT: 'eighty',
        CAMNET_POLL_INTERVAL_S: '0',
        DATABASE_URL: 'mysql://x/y',
        MQTT_URL: 'not a url',
        CAMNET_SIMULATOR: 'maybe',
        CAMNET_SEED: 'sometimes',
        CAMNET_SECRET_KEY: 'short',
        CAMNET_BOOTSTRAP_TOKEN: 'abc',
        MQTT_SHARED_GROUP: 'a/b',
      });
    } catch (err) {
      error = err as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems).toEqual(
      expect.arrayContaining([
        'PORT must be an integer between 0 and 65535, got "eighty"',
        'CAMNET_POLL_INTERVAL_S must be an integer between 1 and 86400, got "0"',
        'DATABASE_URL must be a postgres: or postgresql: URL, got "mysql:"',
        'MQTT_URL is not a valid URL: "not a url"',
        'CAMNET_SIMULATOR must be on or off (1/0, true/false), got "maybe"',
        'CAMNET_SEED must be on, off or auto, got "sometimes"',
        'CAMNET_SECRET_KEY must be 32 bytes as 64 hex characters or base64 (openssl rand -hex 32)',
        'CAMNET_BOOTSTRAP_TOKEN must be at least 16 characters long',
        'MQTT_SHARED_GROUP may hold only letters, digits, "-" and "_"',
      ]),
    );
    expect(error!.message).toMatch(/^camnet cannot start, fix the configuration:/);
  });
});
