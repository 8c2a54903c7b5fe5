/**
 * Sends the slash-command scenario's requests from a worker thread. The Slack stand-in runs on the benchmark's
 * main thread and serves the posts of every session the app starts (two or three calls per `start`, parsed,
 * checked and stored), while the bare app makes no calls at all. Sharing that event loop, the client read the
 * app's answers later than the bare app's whenever the stand-in was busy with the app's posts: a cost of the
 * benchmark, charged to the app alone. On a thread of its own the client waits for nothing but the target.
 */
import { Worker } from 'node:worker_threads';
import type { SlashCommandFields } from '../sandbox/signed-client.ts';
import { workerSource } from '../src/worker-source.ts';

export interface ClientBatch {
  readonly id: number;
  readonly appUrl: string;
  readonly signingSecret: string;
  readonly requests: readonly SlashCommandFields[];
  /** 1: one after another. */
  readonly concurrency: number;
  /** A request counts as answered when its 200 carries this text (JSON-encoded), or any 200 without it. */
  readonly expectText?: string;
}

export interface ClientBatchResult {
  readonly id: number;
  /** Milliseconds per request, in the order they finished. */
  readonly times: number[];
  readonly failures: number;
}

export interface CommandClient {
  run(batch: Omit<ClientBatch, 'id'>): Promise<ClientBatchResult>;
  close(): Promise<void>;
}

export function startCommandClient(): CommandClient {
  const worker = new Worker(workerSource(import.meta.url, 'command-client-worker'), { eval: true });
  const waiting = new Map<number, { resolve: (r: ClientBatchResult) => void; reject: (e: Error) => void }>();
  let nextId = 1;
  const failAll = (error: Error) => {
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on('message', (result: ClientBatchResult) => {
    waiting.get(result.id)?.resolve(result);
    waiting.delete(result.id);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the command client thread exited (${code})`)));
  return {
    run(batch) {
      const id = nextId++;
      return new Promise<ClientBatchResult>((resolve, reject) => {
        waiting.set(id, { resolve, reject });
        worker.postMessage({ ...batch, id } satisfies ClientBatch);
      });
    },
    async close() {
      await worker.terminate();
    },
  };
}
