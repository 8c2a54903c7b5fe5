/** The storage port over any SQL database: the same repositories for SQLite and PostgreSQL, and a transaction over them. */
import type { Repositories, Store } from '../app/ports.ts';
import { createInstallationRepository } from './installation-repository.ts';
import { createMemberRepository } from './member-repository.ts';
import { createRequestLog } from './request-log.ts';
import { createScheduleRepository } from './schedule-repository.ts';
import { createScorecardRepository } from './scorecard-repository.ts';
import { createSessionRepository } from './session-repository.ts';
import type { SqlDatabase, SqlExecutor } from './sql.ts';
import { createStepRepository, type StoreClock } from './step-repository.ts';

function repositories(db: SqlExecutor, clock: StoreClock): Repositories {
  return {
    sessions: createSessionRepository(db),
    steps: createStepRepository(db, clock),
    requests: createRequestLog(db),
    installations: createInstallationRepository(db, clock),
    scorecards: createScorecardRepository(db),
    schedules: createScheduleRepository(db),
    members: createMemberRepository(db),
  };
}

/**
 * `clock`: the app's clock for leases and retries where all instances share it (one machine, tests); null to
 * use the database's clock, which is what several instances on PostgreSQL must agree on.
 */
export function createStore(db: SqlDatabase, clock: StoreClock): Store {
  // A transaction's repositories are built once per executor. SQLite hands every transaction the same one, so a
  // post's completion (a transaction) no longer builds seven repositories, with their closures and SQL text, each
  // time: that was garbage on every post, and V8's optimizing compiler compiled hot functions again for their new
  // closures. PostgreSQL's executor is new per transaction, so there this changes nothing.
  const built = new WeakMap<SqlExecutor, Repositories>();
  const repositoriesOf = (tx: SqlExecutor): Repositories => {
    let repos = built.get(tx);
    if (!repos) {
      repos = repositories(tx, clock);
      built.set(tx, repos);
    }
    return repos;
  };
  return {
    kind: db.dialect,
    ...repositories(db, clock),
    transaction: (fn) => db.transaction((tx) => fn(repositoriesOf(tx))),
    close: () => db.close(),
  };
}
