/**
 * Samples a process from /proc every 250 ms: resident memory (the peak is the highest VmHWM, the kernel's
 * high-water mark, or VmRSS seen) and CPU time used so far. Linux only; elsewhere everything reads 0.
 */
import { readFileSync } from 'node:fs';

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

function readCpuMs(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / CLK_TCK;
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
