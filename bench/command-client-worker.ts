/**
 * The slash-command scenario's load generator, on a thread of its own (see command-client.ts): it signs and
 * sends one batch of requests at a time, one after another or several at once, and times each from the moment it
 * is sent (signed and encoded before) to the moment its answer has been read. Answers are checked once the batch is
 * done: parsing one while others are in flight would add this thread's work to their times, and only the real
 * app's answers are parsed (the bare app's are empty).
 */
import { performance } from 'node:perf_hooks';
import { parentPort } from 'node:worker_threads';
import { signedRequest, slashCommandBody } from '../sandbox/signed-client.ts';
import type { ClientBatch, ClientBatchResult } from './command-client.ts';
import { eachLimited } from './load.ts';

const port = parentPort;
if (!port) throw new Error('command-client-worker.ts runs as a worker thread only');

port.on('message', (batch: ClientBatch) => {
  void run(batch).then((result) => port.postMessage(result));
});

interface Answer {
  readonly status: number;
  readonly text: string;
}

async function run(batch: ClientBatch): Promise<ClientBatchResult> {
  const times: number[] = [];
  const answers: Array<Answer | undefined> = [];
  await eachLimited(batch.requests, batch.concurrency, async (fields) => {
    const request = signedRequest(batch.signingSecret, Math.floor(Date.now() / 1000), slashCommandBody(fields), 'application/x-www-form-urlencoded');
    const t0 = performance.now();
    let answer: Answer | undefined;
    try {
      const response = await fetch(batch.appUrl, request);
      answer = { status: response.status, text: await response.text() };
    } catch {
      answer = undefined;
    }
    times.push(performance.now() - t0);
    answers.push(answer);
  });
  return { id: batch.id, times, failures: answers.filter((a) => !answered(a, batch.expectText)).length };
}

/** A 200 that carries the expected text in its JSON (any 200 when none is expected). */
function answered(answer: Answer | undefined, expectText: string | undefined): boolean {
  if (!answer || answer.status !== 200) return false;
  if (expectText === undefined) return true;
  try {
    return JSON.stringify(JSON.parse(answer.text)).includes(expectText);
  } catch {
    return false;
  }
}
