// Preloaded into an app process (NODE_OPTIONS=--import …) by `npm run bench -- --cpu-prof DIR`: records a V8 CPU
// profile from start to exit and writes it to $BENCH_CPU_PROF_DIR/<pid>.cpuprofile (--cpu-prof itself is not
// allowed in NODE_OPTIONS). A SIGKILLed process writes nothing.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { join } from 'node:path';

const dir = process.env.BENCH_CPU_PROF_DIR;
if (dir) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  process.on('exit', () => {
    // Same-thread inspector sessions answer synchronously, so this runs to the end inside the exit handler.
    session.post('Profiler.stop', (error, result) => {
      if (!error) writeFileSync(join(dir, `${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}

// Also, with BENCH_SQL_STATS set: time spent in each SQLite statement (better-sqlite3 is synchronous, so the time
// a call takes is the time the statement takes), written next to the profile as <pid>.sql.json.
if (dir && process.env.BENCH_SQL_STATS) {
  const { createRequire } = await import('node:module');
  // Resolved from this file, inside the project: the app may run in a working directory of its own.
  const require = createRequire(import.meta.url);
  const Database = require('better-sqlite3');
  const probe = new Database(':memory:');
  const Statement = Object.getPrototypeOf(probe.prepare('SELECT 1'));
  probe.close();
  const stats = new Map();
  // Each statement's key made once: normalising a long statement's text on every call cost more than many statements.
  const keys = new WeakMap();
  for (const method of ['all', 'get', 'run']) {
    const original = Statement[method];
    Statement[method] = function timed(...args) {
      const t0 = process.hrtime.bigint();
      try {
        return original.apply(this, args);
      } finally {
        let byMethod = keys.get(this);
        if (!byMethod) keys.set(this, (byMethod = {}));
        byMethod[method] ??= `${method} ${this.source.replace(/\s+/g, ' ').trim()}`;
        const key = byMethod[method];
        const s = stats.get(key) ?? { calls: 0, ns: 0n };
        s.calls += 1;
        s.ns += process.hrtime.bigint() - t0;
        stats.set(key, s);
      }
    };
  }
  process.on('exit', () => {
    const rows = [...stats].map(([sql, s]) => ({ sql, calls: s.calls, ms: Number(s.ns) / 1e6 })).sort((a, b) => b.ms - a.ms);
    writeFileSync(join(dir, `${process.pid}.sql.json`), JSON.stringify(rows, null, 1));
  });
}
