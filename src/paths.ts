/**
 * Where the package's own files are (`migrations/`), whether the app runs from its sources (`src/`, through
 * tsx) or compiled (`dist/src/`, plain node): the nearest folder above this module that holds package.json.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The nearest folder at or above `moduleUrl`'s folder that holds a package.json. */
export function packageRootOf(moduleUrl: string): string {
  const start = dirname(fileURLToPath(moduleUrl));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json in ${start} or any folder above it: mockdesign's files are not where they should be.`);
  }
}

/** The project's root folder: package.json, `migrations/`. */
export const PACKAGE_ROOT = packageRootOf(import.meta.url);
