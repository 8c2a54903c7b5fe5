/**
 * Web API calls made on a thread of their own. Under a burst of posts, most of the CPU a post costs is HTTP:
 * sockets, headers, chunks and the garbage they leave. On the thread that also acks Slack's requests and owns
 * the database, that work delays both. Here the main thread only encodes a request (one JSON.stringify it makes
 * anyway) and decodes the answer's text (without the message a post's answer echoes back, which the API thread
 * drops); the HTTP happens on the API thread (api-thread-worker.ts), on another core when there is one.
 *
 * The thread is started by `warm` as the app starts, so the first burst of posts (the backlog of a restart) does
 * not also wait for a thread to load its modules: measured with 1,000 sessions due at once, a thread started by
 * the first post received that post about 60 ms after it was handed over. Without `warm`, the first call starts it.
 *
 * Only strings cross between the threads, so nothing is cloned but the body and the answer. A thread that dies
 * fails the calls it held (as requests whose fate is unknown: posts in doubt are looked for before a retry) and
 * is started again on the next call, no sooner than a backoff that doubles up to a cap, so a thread that cannot
 * start costs one attempt per backoff, not one per call.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../app/ports.ts';
import { workerSource } from '../worker-source.ts';
import type { HttpTransport, SlackApiOptions, WireRequest, WireResponse } from './web-api.ts';

/** Messages between the threads. */
export type ToApiThread = { readonly id: number; readonly request: WireRequest } | { readonly preconnect: number };
export type FromApiThread =
  | { readonly id: number; readonly response: WireResponse }
  | { readonly id: number; readonly error: string }
  /** Sent once, when the thread has loaded what it sends requests with. */
  | { readonly ready: true };

/** What the API thread's HTTP transport is made from. */
export type ApiThreadSettings = Pick<SlackApiOptions, 'baseUrl' | 'timeoutMs' | 'maxSockets' | 'freeSocketMs'>;

const RESTART_MIN_MS = 1_000;
const RESTART_MAX_MS = 30_000;

export function createThreadTransport(
  options: ApiThreadSettings,
  logger: Logger,
  now: () => number = Date.now,
): HttpTransport & { readonly threadId: number | undefined } {
  // Only the transport's settings cross to the thread: never the default token.
  const settings: ApiThreadSettings = { baseUrl: options.baseUrl, timeoutMs: options.timeoutMs, maxSockets: options.maxSockets, freeSocketMs: options.freeSocketMs };
  const pending = new Map<number, { resolve: (r: WireResponse) => void; reject: (e: Error) => void }>();
  let worker: Worker | null = null;
  let nextId = 1;
  let closed = false;
  let restartAt = 0;
  let restartDelay = RESTART_MIN_MS;
  /** Resolves once the current thread is ready to send, or gone. */
  let ready: Promise<void> = Promise.resolve();
  let markReady = () => {};

  function failAll(reason: string): void {
    const waiting = [...pending.values()];
    pending.clear();
    for (const p of waiting) p.reject(new Error(reason));
  }

  function start(): Worker {
    const w = new Worker(workerSource(import.meta.url, 'api-thread-worker'), { eval: true, workerData: settings });
    w.unref();
    ready = new Promise<void>((resolve) => {
      markReady = resolve;
      w.once('exit', () => resolve());
    });
    w.on('message', (message: FromApiThread) => {
      if ('ready' in message) return markReady();
      const p = pending.get(message.id);
      if (!p) return;
      pending.delete(message.id);
      if (pending.size === 0) w.unref();
      if ('response' in message) {
        restartDelay = RESTART_MIN_MS;
        p.resolve(message.response);
      } else p.reject(new Error(message.error));
    });
    const gone = (reason: string) => {
      if (worker !== w) return;
      worker = null;
      if (closed) return;
      restartAt = now() + restartDelay;
      logger.error('the Web API thread stopped; starting it again on the next call', { calls_failed: pending.size, restart_in_ms: restartDelay, reason });
      restartDelay = Math.min(RESTART_MAX_MS, restartDelay * 2);
      failAll(`the Web API thread stopped (${reason})`);
    };
    w.on('error', (error) => gone(error.message));
    w.on('exit', (code) => gone(`exit code ${code}`));
    return w;
  }

  return {
    send(request) {
      if (closed) return Promise.reject(new Error('the Web API client is closed'));
      if (!worker) {
        if (now() < restartAt) return Promise.reject(new Error('the Web API thread is restarting'));
        worker = start();
      }
      const w = worker;
      const id = nextId++;
      return new Promise<WireResponse>((resolve, reject) => {
        pending.set(id, { resolve, reject });
        if (pending.size === 1) w.ref();
        w.postMessage({ id, request } satisfies ToApiThread);
      });
    },
    warm() {
      if (!closed && !worker && now() >= restartAt) worker = start();
      return ready;
    },
    preconnect(count) {
      // Only to a thread that is there: one that stopped is started again by the calls themselves.
      worker?.postMessage({ preconnect: count } satisfies ToApiThread);
    },
    get threadId() {
      return worker?.threadId;
    },
    close() {
      closed = true;
      failAll('the Web API client is closed');
      const w = worker;
      worker = null;
      void w?.terminate();
    },
  };
}
