/**
 * The one seam between the repositories and a database: run a statement with positional `$1…` parameters.
 * The repositories are written once in the SQL both databases share; the few places where SQLite and
 * PostgreSQL differ are the fragments below, chosen by the executor's dialect.
 */
export type Dialect = 'sqlite' | 'postgres';
export type SqlValue = string | number | null;
export type Row = Record<string, unknown>;

export interface SqlExecutor {
  readonly dialect: Dialect;
  all(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  get(sql: string, params?: readonly SqlValue[]): Promise<Row | undefined>;
  /** Returns how many rows the statement changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface SqlDatabase extends SqlExecutor {
  /** Runs `fn` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(fn: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/**
 * The time to compare leases and due times with: the value passed as parameter `n` when the app supplies a
 * clock (one machine, or a test's fixed clock), else the database's own clock, which every instance shares.
 * PostgreSQL: statement_timestamp(), not clock_timestamp(). A volatile clock cannot bound an index scan, so
 * `run_at <= now` read every pending row of every session on each claim (30 ms a tick at 10,000 sessions);
 * the statement's start time is stable within the statement and the partial indexes serve it.
 */
export function nowMs(dialect: Dialect, n: number): string {
  return dialect === 'postgres'
    ? `coalesce($${n}::bigint, (extract(epoch from statement_timestamp()) * 1000)::bigint)`
    : `coalesce($${n}, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))`;
}

/**
 * `LIMIT $n`, in a form SQLite's query planner does not read. SQLite (3.53 here) plans with the value bound to
 * a plain `LIMIT $n`, and so prepares the statement again whenever that parameter is bound: better-sqlite3 binds
 * on every run, so a cached statement was parsed and planned on every run (an empty claim of due steps took
 * 52 µs instead of 7). The cast hides the value from the planner, whose plan does not need it. PostgreSQL
 * reads it the same either way.
 */
export function limitParam(n: number): string {
  return `LIMIT CAST($${n} AS INTEGER)`;
}

/**
 * The values of an IN list padded to the next power of two by repeating the last one, which matches nothing
 * more. Each length of list is a statement of its own, prepared and kept: the delivery path loads 1 to 200
 * sessions at once, and its three queries at every length held about 15 MB of prepared statements; padded,
 * they come in nine lengths.
 */
export function padInList<T extends SqlValue>(values: readonly T[]): T[] {
  const last = values.at(-1);
  if (last === undefined) return [];
  let size = 1;
  while (size < values.length) size *= 2;
  return size === values.length ? [...values] : [...values, ...Array<T>(size - values.length).fill(last)];
}

/** `$1, $2, …` starting at `from`, for an IN list of `count` values. */
export function placeholders(from: number, count: number): string {
  return Array.from({ length: count }, (_, i) => `$${from + i}`).join(', ');
}

/** Reads a number column: PostgreSQL's BIGINT arrives as a string unless a type parser is set, SQLite's as a number. */
export function num(value: unknown): number {
  return typeof value === 'string' ? Number(value) : (value as number);
}

/**
 * Typed reads of one row's columns, checked as zod would check them, written out for rows read by the hundred on
 * the delivery path (a claim, the sessions it loads): one small object per row, its methods on the prototype.
 * A value of the wrong type is an error naming the table and column.
 */
export class Columns {
  private readonly row: Row;
  private readonly table: string;

  constructor(row: Row, table: string) {
    this.row = row;
    this.table = table;
  }

  bad(column: string): never {
    throw new TypeError(`${this.table}.${column}: unexpected ${JSON.stringify(this.row[column])}`);
  }

  /** PostgreSQL's BIGINT arrives as a string, SQLite's INTEGER as a number. */
  int(column: string): number {
    const v = this.row[column];
    const n = typeof v === 'string' ? Number(v) : v;
    return typeof n === 'number' && Number.isInteger(n) ? n : this.bad(column);
  }

  intOrNull(column: string): number | null {
    return this.row[column] === null ? null : this.int(column);
  }

  text(column: string): string {
    const v = this.row[column];
    return typeof v === 'string' ? v : this.bad(column);
  }

  textOrNull(column: string): string | null {
    return this.row[column] === null ? null : this.text(column);
  }
}

export function columnsOf(row: unknown, table: string): Columns {
  return new Columns(row as Row, table);
}
