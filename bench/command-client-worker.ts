/**
 * The slash-command scenario's load generator, on a thread of its own (see command-client.ts): it signs and
 * sends one batch of requests at a time, one after another or several at once, and times each, request sent →
 * response read.
 */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { createSignedClient } from '../sandbox/signed-client.ts';
import type { ClientBatch, ClientBatchResult } from './command-client.ts';
import { eachLimited } from './load.ts';

const port = parentPort;
if (!port) throw new Error('command-client-worker.ts runs as a worker thread only');

port.on('message', (batch: ClientBatch) => {
  void run(batch).then((result) => port.postMessage(result));
});

async function run(batch: ClientBatch): Promise<ClientBatchResult> {
  const client = createSignedClient({ appUrl: batch.appUrl, signingSecret: batch.signingSecret });
  const times: number[] = [];
  let failures = 0;
  await eachLimited(batch.requests, batch.concurrency, async (fields) => {
    const t0 = performance.now();
    let ok = false;
    try {
      const response = await client.slashCommand(fields);
      ok = response.status === 200 && (batch.expectText === undefined || JSON.stringify(response.json ?? '').includes(batch.expectText));
    } catch {
      ok = false;
    }
    times.push(performance.now() - t0);
    if (!ok) failures += 1;
  });
  return { id: batch.id, times, failures };
}
