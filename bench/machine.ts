/** Describes the machine a benchmark ran on: cores, CPU model and speed, memory, Node, load, date. */
import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { median } from './stats.ts';

export interface Machine {
  readonly cores: number;
  readonly cpuModel: string;
  /** Family, model and clock as /proc/cpuinfo gives them: under a hypervisor the model name can be as bare as "AMD EPYC". */
  readonly cpuDetail: string | undefined;
  readonly memoryBytes: number;
  readonly node: string;
  readonly platform: string;
  readonly date: string;
  /** 1, 5 and 15 minute load averages when the run began: other work on the machine skews every number. */
  readonly loadAtStart: readonly number[];
  /** The CPU yardstick, timed before the scenarios (see cpuYardstick); absent when it was not run. */
  readonly yardstick?: Yardstick;
}

export interface Yardstick {
  readonly iterations: number;
  readonly medianMs: number;
}

/** A field of the first processor in /proc/cpuinfo; undefined off Linux or when the kernel gives none. */
function cpuInfo(name: string): string | undefined {
  try {
    const first = readFileSync('/proc/cpuinfo', 'utf8').split('\n\n')[0] ?? '';
    return new RegExp(`^${name}\\s*:\\s*(.+)$`, 'm').exec(first)?.[1]?.trim();
  } catch {
    return undefined;
  }
}

function cpuModel(): string {
  return cpuInfo('model name') ?? cpus()[0]?.model ?? 'unknown';
}

function cpuDetail(): string | undefined {
  const [family, model, mhz] = [cpuInfo('cpu family'), cpuInfo('model'), cpuInfo('cpu MHz')];
  const parts = [family && `family ${family}`, model && `model ${model}`, mhz && `${Math.round(Number(mhz))} MHz`].filter(Boolean);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/**
 * One thread's speed at the kind of work a post costs the app: a Block Kit message built, serialised, parsed and
 * signed (HMAC-SHA256, as Slack signs requests), `iterations` times, the median of `rounds` timings. Machines of
 * the same kind differ by twofold and more (two "2-core AMD EPYC" machines of this project's reports did), and
 * every figure of a report moves with this one: it lets reports from different machines be compared.
 */
export function cpuYardstick(iterations = 2000, rounds = 5): Yardstick {
  const key = 'yardstick-signing-secret';
  let sink = 0;
  const once = (i: number) => {
    const blocks = Array.from({ length: 20 }, (_, b) => ({
      type: 'section',
      text: { type: 'mrkdwn', text: `*Phase ${b % 4}* • item ${i}-${b}: clarify the requirements &amp; scope before drawing boxes` },
    }));
    const body = JSON.stringify({ channel: 'C0YARDSTICK', text: `message ${i}`, blocks, metadata: { event_type: 'step', event_payload: { step: i } } });
    const parsed = JSON.parse(body) as { blocks: unknown[] };
    sink += parsed.blocks.length + createHmac('sha256', key).update(body).digest('hex').length;
  };
  for (let i = 0; i < Math.min(200, iterations); i++) once(i); // compiled before it is timed
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const started = performance.now();
    for (let i = 0; i < iterations; i++) once(i);
    times.push(performance.now() - started);
  }
  if (sink === 0) throw new Error('the yardstick did no work');
  return { iterations, medianMs: median(times) };
}

function memoryBytes(): number {
  try {
    const match = /^MemTotal:\s+(\d+) kB/m.exec(readFileSync('/proc/meminfo', 'utf8'));
    if (match?.[1]) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return totalmem();
}

export function describeMachine(): Machine {
  return {
    cores: cpus().length,
    cpuModel: cpuModel(),
    cpuDetail: cpuDetail(),
    memoryBytes: memoryBytes(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString(),
    loadAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/**
 * Which code was measured: the commit, and whether src/ or migrations/ differ from it. Read-only git; other
 * people may commit while a long run goes on, so the report takes this at the start and at the end.
 */
export function codeVersion(cwd: string): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src', 'migrations'], { cwd, encoding: 'utf8' }).trim();
    return dirty ? `${head} + uncommitted changes in ${dirty.split('\n').length} file(s) of src/ or migrations/` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}
