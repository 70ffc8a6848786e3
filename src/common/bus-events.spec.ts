import * as fs from 'node:fs';
import * as path from 'node:path';
import { BUS_EVENTS, CamnetEventName } from './bus-events';
import { EventBus } from './event-bus';

const SRC = path.join(__dirname, '..');

/** Every non-spec source file under src/, as 'module/file' without .ts. */
function sourceFiles(dir = SRC): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') ? [path.relative(SRC, full).replace(/\\/g, '/').replace(/\.ts$/, '')] : [];
  });
}

/** Bus calls found in the code: event names contain a dot ('status.changed'), other emitters' names do not. */
function busCallsInSource(): { emitters: Map<string, Set<string>>; listeners: Map<string, Set<string>> } {
  const emitters = new Map<string, Set<string>>();
  const listeners = new Map<string, Set<string>>();
  const add = (m: Map<string, Set<string>>, name: string, file: string) => m.set(name, (m.get(name) ?? new Set()).add(file));
  for (const file of sourceFiles()) {
    const text = fs.readFileSync(path.join(SRC, `${file}.ts`), 'utf8');
    for (const m of text.matchAll(/\.(emit|on)\(\s*'([a-z]+\.[a-z.]+)'/g)) add(m[1] === 'emit' ? emitters : listeners, m[2], file);
  }
  return { emitters, listeners };
}

describe('the bus event catalogue', () => {
  const found = busCallsInSource();
  const names = Object.keys(BUS_EVENTS) as CamnetEventName[];

  it('lists every event the code emits or listens to', () => {
    const used = new Set([...found.emitters.keys(), ...found.listeners.keys()]);
    expect([...used].sort()).toEqual([...names].sort());
  });

  it.each(names)('names who emits and who listens to %s, as the code does', (name) => {
    expect([...(found.emitters.get(name) ?? [])].sort()).toEqual([...BUS_EVENTS[name].emitters].sort());
    expect([...(found.listeners.get(name) ?? [])].sort()).toEqual([...BUS_EVENTS[name].listeners].sort());
  });

  it('delivers a payload to its listeners until they unsubscribe', () => {
    const bus = new EventBus();
    const seen: string[] = [];
    const off = bus.on('inventory.changed', (e) => seen.push(e.what));
    bus.emit('inventory.changed', { at: new Date(0), what: 'camera' });
    off();
    bus.emit('inventory.changed', { at: new Date(0), what: 'station' });
    expect(seen).toEqual(['camera']);
  });

  it('refuses, at compile time, an unknown event or a wrong payload (checked by tsc in npm run lint)', () => {
    const bus = new EventBus();
    // @ts-expect-error an event that is not in the catalogue
    bus.on('camera.exploded', () => undefined);
    // @ts-expect-error a payload that does not fit the event
    bus.emit('inventory.changed', { at: new Date(0), what: 'road sign' });
    // @ts-expect-error a listener that expects another event's payload
    bus.on('alert.changed', (e: { headingDeg: number }) => e.headingDeg);
    expect(typeof bus.emit).toBe('function');
  });
});
