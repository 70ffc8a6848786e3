import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadLongAnData, seedDataDir } from './seed.data';

describe('seed data', () => {
  it('is found beside the sources (Jest) and from a compiled dist/src/seed', () => {
    expect(seedDataDir()).toBe(path.join(__dirname, 'data'));
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'camnet-seed-'));
    try {
      fs.writeFileSync(path.join(root, 'package.json'), '{}');
      fs.mkdirSync(path.join(root, 'src', 'seed'), { recursive: true });
      fs.symlinkSync(path.join(__dirname, 'data'), path.join(root, 'src', 'seed', 'data'));
      const compiled = path.join(root, 'dist', 'src', 'seed');
      fs.mkdirSync(compiled, { recursive: true });
      expect(seedDataDir(compiled)).toBe(path.join(root, 'src', 'seed', 'data'));
      fs.unlinkSync(path.join(root, 'src', 'seed', 'data'));
      expect(() => seedDataDir(compiled)).toThrow(/ship src\/seed\/data/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('holds 192 old communes, 15 districts, 60 new communes and 8 routes', () => {
    const d = loadLongAnData();
    expect([d.communes2019.length, d.districts.length, d.communes2025.length, d.routes.length]).toEqual([192, 15, 60, 8]);
    expect(d.outline.geometry.type).toBe('Polygon');
  });
});
