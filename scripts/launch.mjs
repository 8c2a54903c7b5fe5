/**
 * `npm start` and `npm run backup`: runs the compiled form of an entry point (src/main.ts → dist/src/main.js)
 * with plain node, in this process, so signals reach the app itself.
 *
 *   node --enable-source-maps scripts/launch.mjs src/main.ts [args…]
 *
 * When dist/ is missing or was built from other sources than those here, it builds first if the compiler is
 * installed (a fresh clone: `npm ci && npm start`), and otherwise (`npm ci --omit=dev`) stops with a message
 * saying to run `npm run build`. It never runs a build that does not match the sources beside it.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BuildError, build, buildState, compilerPath, DIST, ROOT } from './build.mjs';

const [entry, ...args] = process.argv.slice(2);
if (!entry || !/^(src|scripts)\/.+\.ts$/.test(entry)) {
  process.stderr.write('Usage: node --enable-source-maps scripts/launch.mjs src/main.ts [args…]\n');
  process.exit(2);
}
const header = entry === 'src/main.ts' ? 'mockdesign cannot start.' : `Cannot run ${entry}.`;

const state = buildState(ROOT);
if (state !== 'current') {
  const why = state === 'missing' ? 'the app is not built yet' : `the sources changed since ${DIST}/ was built`;
  if (!compilerPath(ROOT)) {
    process.stderr.write(
      `${header}\nThe compiled app in ${DIST}/ is ${state === 'missing' ? 'missing' : 'out of date: the sources changed since it was built'}, ` +
        'and the TypeScript compiler is not installed (a production install, `npm ci --omit=dev`).\n' +
        'Run `npm run build` first (it needs `npm ci`), or copy in a dist/ built from these sources.\n',
    );
    process.exit(1);
  }
  const started = Date.now();
  process.stderr.write(`Building ${DIST}/ (${why})…\n`);
  try {
    build(ROOT, { compilerOutput: 2 });
  } catch (error) {
    process.stderr.write(`${header}\n${error instanceof BuildError ? error.message : (error?.stack ?? String(error))}\n`);
    process.exit(1);
  }
  process.stderr.write(`Built ${DIST}/ in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
}

const compiled = join(ROOT, DIST, entry.replace(/\.ts$/, '.js'));
if (!existsSync(compiled)) {
  process.stderr.write(`${header}\n${compiled} is not part of the build.\n`);
  process.exit(2);
}
// The entry point sees the arguments as if it had been started itself: node dist/…/x.js args…
process.argv = [process.argv[0] ?? process.execPath, compiled, ...args];
await import(pathToFileURL(compiled).href);
