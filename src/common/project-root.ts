import * as fs from 'node:fs';
import * as path from 'node:path';

let cached: string | null = null;

/**
 * The folder holding camnet's package.json, found from this file's location so
 * that paths work the same from src/ under Jest and from dist/ after a build.
 */
export function projectRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find camnet's package.json above ${__dirname}`);
    dir = up;
  }
  cached = dir;
  return dir;
}
