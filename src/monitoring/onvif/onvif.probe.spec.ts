import { rebaseXaddr } from './onvif.client';
import { panToHeading } from './onvif.probe';

describe('panToHeading', () => {
  it('maps the generic pan space [-1, 1] to ±180° around the registered heading', () => {
    expect(panToHeading(90, 0)).toBe(90);
    expect(panToHeading(90, 0.5)).toBe(180);
    expect(panToHeading(90, -0.5)).toBe(0);
    expect(panToHeading(350, 0.25)).toBe(35);
    expect(panToHeading(10, -0.25)).toBe(325);
    expect(panToHeading(0, 1)).toBe(180);
    expect(panToHeading(0, -1)).toBe(180);
  });

  it('gives null for an unknown pan', () => {
    expect(panToHeading(90, null)).toBeNull();
    expect(panToHeading(90, Number.NaN)).toBeNull();
  });
});

describe('rebaseXaddr', () => {
  const cfg = 'http://203.0.113.7:8080/onvif/device_service';
  it('moves service addresses onto the configured host and port', () => {
    expect(rebaseXaddr('http://10.10.1.60/onvif/PTZ', cfg)).toBe('http://203.0.113.7:8080/onvif/PTZ');
    expect(rebaseXaddr('http://192.168.1.33:80/onvif/device_service', cfg)).toBe('http://203.0.113.7:8080/onvif/device_service');
    expect(rebaseXaddr('http://192.168.1.33:8899/onvif/ptz?x=1', 'http://cam.example:80/onvif/device_service')).toBe('http://cam.example/onvif/ptz?x=1');
  });

  it('keeps the RTSP port (the configured one is HTTP) but never the reported host', () => {
    expect(rebaseXaddr('rtsp://10.10.1.60:554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1', cfg)).toBe(
      'rtsp://203.0.113.7:554/Streaming/Channels/101?transportmode=unicast&profile=Profile_1',
    );
  });

  it('resolves relative addresses and refuses garbage', () => {
    expect(rebaseXaddr('/onvif/media', cfg)).toBe('http://203.0.113.7:8080/onvif/media');
    expect(rebaseXaddr('http://[', cfg)).toBeNull();
    expect(rebaseXaddr('http://x/', 'not a url')).toBeNull();
  });
});
