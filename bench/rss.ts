/**
 * Samples a process from /proc every 250 ms: resident memory (the peak is the highest VmHWM, the kernel's
 * high-water mark, or VmRSS seen) and CPU time used so far. Linux only; elsewhere everything reads 0.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface ProcSampler {
  /** Highest resident set seen, in bytes. */
  peakRss(): number;
  /** CPU time (user + system) at the latest sample, in ms. */
  cpuMs(): number;
  /** Takes a last sample and stops. */
  stop(): void;
}

/** Clock ticks per second for /proc/<pid>/stat; 100 on every Linux we run on. */
const CLK_TCK = 100;

function readStatus(pid: number): { hwm: number; rss: number } | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0) * 1024;
    return { hwm: kb('VmHWM'), rss: kb('VmRSS') };
  } catch {
    return undefined; // exited
  }
}

/** User + system CPU in a /proc stat file, in ms. */
function statCpuMs(path: string): number {
  const stat = readFileSync(path, 'utf8');
  // Fields after the command name (which may contain spaces) start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
}

function readCpuMs(pid: number): number | undefined {
  try {
    return statCpuMs(`/proc/${pid}/stat`);
  } catch {
    return undefined;
  }
}

/** CPU a process has used so far (ms): its main thread, and all of its threads (live ones; a thread that ended is not counted). */
export interface ThreadCpu {
  readonly main: number;
  readonly all: number;
}

export function readThreadCpuMs(pid: number): ThreadCpu | undefined {
  try {
    let all = 0;
    let main = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      let used = 0;
      try {
        used = statCpuMs(`/proc/${pid}/task/${tid}/stat`);
      } catch {
        continue; // the thread ended between the listing and the read
      }
      all += used;
      if (tid === String(pid)) main = used;
    }
    return { main, all };
  } catch {
    return undefined;
  }
}

export function sampleProcess(pid: number, everyMs = 250): ProcSampler {
  let peak = 0;
  let cpu = 0;
  const sample = () => {
    const status = readStatus(pid);
    if (status) peak = Math.max(peak, status.hwm, status.rss);
    const used = readCpuMs(pid);
    if (used !== undefined) cpu = used;
  };
  sample();
  const timer = setInterval(sample, everyMs);
  timer.unref();
  return {
    peakRss: () => peak,
    cpuMs: () => cpu,
    stop() {
      sample();
      clearInterval(timer);
    },
  };
}
