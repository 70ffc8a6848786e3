/**
 * ViewRepository.saveCheck on a real database (PostgreSQL, or PGlite under
 * CAMNET_TEST_DB=pglite): a snapshot's outcome writes the view row and its history row
 * together, and a check whose lease was taken from it (a reference set meanwhile)
 * writes neither.
 */
import { ViewRepository, ViewWrite } from '../../src/view/view.repository';
import { openTestDatabase, TestDatabase } from '../support/database';

let db: TestDatabase;
let repo: ViewRepository;
let cameraId: number;

beforeAll(async () => {
  db = await openTestDatabase();
  repo = new ViewRepository(db.dataSource);
  [{ id: cameraId }] = await db.dataSource.query(
    `INSERT INTO camera (code, ownership, commune_code, lat, lon, heading_deg, fov_deg, range_m) VALUES ('VIEW-REPO-1', 'station', '27700', 10.6, 106.4, 0, 60, 40) RETURNING id`,
  );
  await repo.ensureRow(cameraId);
}, 120_000);

afterAll(async () => {
  await db?.close();
});

const at = new Date('2026-12-04T08:00:00Z');
const write = (o: Partial<ViewWrite>): ViewWrite => ({
  cameraId,
  at,
  step: { state: 'ok', pendingState: null, pendingCount: 0 },
  changed: true,
  observed: 'ok',
  metrics: { mean: 120, sharpness: 30 },
  error: null,
  frozenRun: 0,
  thumbnail: Buffer.from([0xff, 0xd8, 0xff, 0xd9]),
  frame: null,
  nextAt: new Date(at.getTime() + 900_000),
  leaseOwner: 'replica-a',
  ...o,
});
const viewRow = async () =>
  (await db.dataSource.query(`SELECT state, checked_at, next_at, lease_owner, thumbnail FROM camera_view WHERE camera_id = $1`, [cameraId]))[0];
const history = async () => db.dataSource.query(`SELECT at, state, metrics FROM camera_view_check WHERE camera_id = $1 ORDER BY id`, [cameraId]);

test('a check that holds its lease writes the view and one history row, and releases the lease', async () => {
  await db.dataSource.query(`UPDATE camera_view SET lease_owner = 'replica-a', lease_until = now() + interval '1 minute' WHERE camera_id = $1`, [cameraId]);
  expect(await repo.saveCheck(write({}))).toBe(true);
  const row = await viewRow();
  expect(row).toMatchObject({ state: 'ok', lease_owner: null });
  expect(new Date(row.checked_at).toISOString()).toBe(at.toISOString());
  expect(Buffer.from(row.thumbnail)).toEqual(Buffer.from([0xff, 0xd8, 0xff, 0xd9]));
  const h = await history();
  expect(h).toHaveLength(1);
  expect(h[0]).toMatchObject({ state: 'ok', metrics: { mean: 120, sharpness: 30 } });
});

test("a check whose lease is another's writes nothing: neither the view nor its history", async () => {
  await db.dataSource.query(`UPDATE camera_view SET lease_owner = 'replica-b', lease_until = now() + interval '1 minute' WHERE camera_id = $1`, [cameraId]);
  const later = new Date(at.getTime() + 60_000);
  expect(await repo.saveCheck(write({ at: later, step: { state: 'dark', pendingState: null, pendingCount: 0 }, observed: 'dark' }))).toBe(false);
  expect(await viewRow()).toMatchObject({ state: 'ok', lease_owner: 'replica-b' });
  expect(await history()).toHaveLength(1);
});

test('an error is kept in the history row with the metrics', async () => {
  const later = new Date(at.getTime() + 120_000);
  const err = { kind: 'timeout', message: 'no answer in 5 s' };
  expect(await repo.saveCheck(write({ at: later, leaseOwner: null, metrics: null, error: err, observed: 'error' }))).toBe(true);
  const h = await history();
  expect(h).toHaveLength(2);
  expect(h[1]).toMatchObject({ state: 'error', metrics: { error: err } });
});
