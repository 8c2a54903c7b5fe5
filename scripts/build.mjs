/**
 * `npm run build`: compiles the app (src/ and scripts/) to JavaScript in dist/ with tsconfig.build.json, and
 * records in dist/build.json a hash of the sources it was built from, so that `npm start` can tell a build
 * that no longer matches them. Plain JavaScript: it must run before anything is compiled, without tsx.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project's root folder (this file is never compiled: it stays in scripts/). */
export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const DIST = 'dist';
const STAMP = 'build.json';
/** What the build reads from the project: the .ts files under these folders, and these files. */
const SOURCE_DIRS = ['src', 'scripts'];
const SOURCE_FILES = ['tsconfig.json', 'tsconfig.build.json'];

export class BuildError extends Error {}

/** The TypeScript compiler's entry point, or undefined when it is not installed (`npm ci --omit=dev`). */
export function compilerPath(root = ROOT) {
  try {
    return createRequire(join(root, 'package.json')).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
}

function sourceFiles(root) {
  const files = [];
  const walk = (rel) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) files.push(path);
    }
  };
  for (const dir of SOURCE_DIRS) if (existsSync(join(root, dir))) walk(dir);
  for (const file of SOURCE_FILES) if (existsSync(join(root, file))) files.push(file);
  return files.sort();
}

/** A hash of every source the build reads: names and contents (not times, which copies and checkouts change). */
export function sourceHash(root = ROOT) {
  const hash = createHash('sha256');
  for (const file of sourceFiles(root)) hash.update(`${file}\0`).update(readFileSync(join(root, file))).update('\0');
  return hash.digest('hex');
}

/**
 * `current` when dist/ holds a build of the sources as they are now (or when the sources are not there to
 * compare with: a build shipped on its own), `missing` when there is no build, `stale` when the sources changed.
 */
export function buildState(root = ROOT) {
  if (!existsSync(join(root, DIST, 'src', 'main.js'))) return 'missing';
  if (!existsSync(join(root, 'src', 'main.ts'))) return 'current';
  try {
    const stamp = JSON.parse(readFileSync(join(root, DIST, STAMP), 'utf8'));
    return stamp.sources === sourceHash(root) ? 'current' : 'stale';
  } catch {
    return 'stale';
  }
}

/**
 * Compiles into a fresh folder and puts it in place of dist/ only when the compiler succeeded, so a failed
 * build never leaves half a dist/. `compilerOutput` is where tsc's messages go (1 stdout, 2 stderr).
 */
export function build(root = ROOT, { compilerOutput = 1 } = {}) {
  const tsc = compilerPath(root);
  if (!tsc) throw new BuildError('The TypeScript compiler is not installed (a production install, `npm ci --omit=dev`): run `npm ci`, then `npm run build`.');
  // Hashed before compiling: a source edited while tsc runs makes the next start build again.
  const sources = sourceHash(root);
  const out = join(root, `${DIST}.tmp-${process.pid}`);
  rmSync(out, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', out], {
    cwd: root,
    stdio: ['ignore', compilerOutput, compilerOutput],
  });
  if (result.error || result.status !== 0) {
    rmSync(out, { recursive: true, force: true });
    throw new BuildError(`The build failed (${result.error ? result.error.message : `tsc exited with ${result.status ?? result.signal}`}); the compiler's messages are above.`);
  }
  writeFileSync(join(out, STAMP), `${JSON.stringify({ sources, built_at: new Date().toISOString() }, null, 2)}\n`);
  const dist = join(root, DIST);
  rmSync(dist, { recursive: true, force: true });
  try {
    renameSync(out, dist);
  } catch (error) {
    // Another build (two first starts at once) put its dist/ in place between the two lines above: keep it.
    rmSync(out, { recursive: true, force: true });
    if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const started = Date.now();
  try {
    build(ROOT);
    process.stdout.write(`Built ${DIST}/ in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  } catch (error) {
    process.stderr.write(`${error instanceof BuildError ? error.message : (error?.stack ?? String(error))}\n`);
    process.exit(1);
  }
}
