import { Logger } from '@nestjs/common';
import { LeasedLoop, LeasedWork } from './leased-loop';

/**
 * A queue of due times (epoch ms, on Jest's fake clock) with a few slots: a round
 * leases the due ones up to `free` and holds them until `finish` is called.
 */
class FakeQueue implements LeasedWork {
  due: number[] = [];
  running = 0;
  rounds: Array<{ at: number; free: number; started: number }> = [];
  dueAsked = 0;
  failWith: string | null = null;

  constructor(private readonly slots: number) {}

  async round(free: number): Promise<number> {
    if (this.failWith !== null) throw new Error(this.failWith);
    const now = Date.now();
    this.due.sort((a, b) => a - b);
    let started = 0;
    while (started < free && this.due.length > 0 && this.due[0] <= now) {
      this.due.shift();
      started++;
    }
    this.running += started;
    this.rounds.push({ at: now, free, started });
    return started;
  }

  freeSlots(): number {
    return this.slots - this.running;
  }

  async nextDueAt(): Promise<number | null> {
    this.dueAsked++;
    return this.due.length === 0 ? null : Math.min(...this.due);
  }

  finish(n: number, loop: LeasedLoop): void {
    for (let i = 0; i < n; i++) {
      this.running--;
      loop.slotFreed();
    }
  }
}

const T0 = Date.parse('2026-12-01T00:00:00Z');
const OPTS = { tickMs: 250, maxSleepMs: 2000, maxBatch: 100, refillAt: 2, now: () => Date.now() };

/** Makes q's rounds wait until the answered function is called: a round stays under way meanwhile. */
function holdRounds(q: FakeQueue): () => void {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const round = q.round.bind(q);
  q.round = async (free) => {
    await gate;
    return round(free);
  };
  return release;
}

function quietLogger(): Logger & { errors: string[] } {
  const errors: string[] = [];
  return Object.assign(new Logger('test'), { errors, error: (m: string) => void errors.push(m) }) as never;
}

describe('LeasedLoop', () => {
  let loop: LeasedLoop | null = null;

  beforeEach(() => {
    jest.useFakeTimers({ now: T0 });
  });

  afterEach(async () => {
    await loop?.stop();
    loop = null;
    jest.useRealTimers();
  });

  /** Lets the loop's timers and promises run for ms of fake time. */
  const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

  it('with nothing due, sleeps until the next row falls due, not a tick at a time', async () => {
    const q = new FakeQueue(10);
    q.due = [T0 + 1500];
    loop = new LeasedLoop(quietLogger(), 'test', q, OPTS);
    loop.start();
    await advance(1499);
    expect(q.rounds.map((r) => r.at)).toEqual([T0]);
    await advance(1);
    expect(q.rounds.map((r) => [r.at - T0, r.started])).toEqual([
      [0, 0],
      [1500, 1],
    ]);
  });

  it('sleeps at least tickMs (rows due close together are leased together) and at most maxSleepMs', async () => {
    const q = new FakeQueue(10);
    loop = new LeasedLoop(quietLogger(), 'test', q, OPTS);
    loop.start();
    await advance(0);
    // Nothing waiting at all: the longest sleep.
    q.due = [T0 + 10, T0 + 20, T0 + 30];
    await advance(1999);
    expect(q.rounds).toHaveLength(1);
    await advance(1);
    expect(q.rounds.map((r) => [r.at - T0, r.started])).toEqual([
      [0, 0],
      [2000, 3],
    ]);
    // Three were due and all taken (not a full batch): the next look is a tick later, without asking when.
    const asked = q.dueAsked;
    q.due = [T0 + 2100];
    await advance(250);
    expect(q.rounds.map((r) => [r.at - T0, r.started]).slice(2)).toEqual([[2250, 1]]);
    expect(q.dueAsked).toBe(asked);
  });

  it('goes again at once after a full batch', async () => {
    const q = new FakeQueue(10);
    q.due = [T0, T0, T0, T0, T0];
    loop = new LeasedLoop(quietLogger(), 'test', q, { ...OPTS, maxBatch: 2 });
    loop.start();
    // (a timer of 0 ms fires after 1 ms of fake time)
    await advance(5);
    expect(q.rounds.map((r) => [r.at - T0, r.free, r.started])).toEqual([
      [0, 2, 2],
      [1, 2, 2],
      [2, 2, 1],
    ]);
  });

  it('with every slot busy, waits for refillAt freed slots rather than a tick', async () => {
    const q = new FakeQueue(3);
    q.due = [T0, T0, T0, T0, T0];
    loop = new LeasedLoop(quietLogger(), 'test', q, OPTS);
    loop.start();
    await advance(0);
    expect(q.rounds.map((r) => r.started)).toEqual([3]);
    await advance(100);
    q.finish(1, loop);
    await advance(0);
    expect(q.rounds).toHaveLength(1);
    q.finish(1, loop);
    await advance(0);
    expect(q.rounds.map((r) => [r.at - T0, r.free, r.started])).toEqual([
      [0, 3, 3],
      [100, 2, 2],
    ]);
  });

  it('a freed slot does not wake a loop that sleeps with slots to spare', async () => {
    const q = new FakeQueue(10);
    q.due = [T0, T0 + 1000];
    loop = new LeasedLoop(quietLogger(), 'test', q, OPTS);
    loop.start();
    await advance(100);
    q.finish(1, loop);
    await advance(0);
    expect(q.rounds.map((r) => r.at - T0)).toEqual([0]);
    await advance(150);
    expect(q.rounds.map((r) => r.at - T0)).toEqual([0, 250]);
  });

  it('wake() cuts a sleep short, and a wake during a round is followed by another round at once', async () => {
    const q = new FakeQueue(10);
    loop = new LeasedLoop(quietLogger(), 'test', q, OPTS);
    loop.start();
    await advance(300);
    q.due = [T0 + 300];
    loop.wake();
    await advance(0);
    expect(q.rounds.map((r) => [r.at - T0, r.started])).toEqual([
      [0, 0],
      [300, 1],
    ]);

    // Woken while a round is under way (its lease already passed): one more round right after it.
    const release = holdRounds(q);
    await advance(250);
    expect(q.rounds).toHaveLength(2);
    loop.wake();
    q.due = [T0 + 550];
    release();
    await advance(0);
    expect(q.rounds.map((r) => [r.at - T0, r.started]).slice(2)).toEqual([
      [550, 1],
      [550, 0],
    ]);
  });

  it('logs a failing round once per distinct error and tries again after 4 ticks', async () => {
    const q = new FakeQueue(10);
    q.failWith = 'database away';
    const logger = quietLogger();
    loop = new LeasedLoop(logger, 'test loop', q, OPTS);
    loop.start();
    await advance(0);
    await advance(999);
    q.failWith = null;
    q.due = [T0 + 500];
    await advance(0);
    expect(q.rounds).toHaveLength(0);
    await advance(1);
    expect(q.rounds.map((r) => [r.at - T0, r.started])).toEqual([[1000, 1]]);
    expect(logger.errors).toEqual(['test loop: database away']);
  });

  it('stop() waits for the round under way and no round starts after it', async () => {
    const q = new FakeQueue(10);
    const release = holdRounds(q);
    loop = new LeasedLoop(quietLogger(), 'test', q, OPTS);
    loop.start();
    await advance(0);
    let stopped = false;
    const stopping = loop.stop().then(() => (stopped = true));
    await advance(0);
    expect(stopped).toBe(false);
    release();
    await stopping;
    q.due = [T0];
    await advance(10_000);
    expect(q.rounds).toHaveLength(1);
  });
});
