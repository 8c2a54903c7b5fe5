/** The API thread (see api-thread.ts): sends each request it is handed over HTTP and hands back the answer. */
import { parentPort, workerData } from 'node:worker_threads';
import type { ApiThreadSettings, FromApiThread, ToApiThread } from './api-thread.ts';
import { createHttpTransport } from './web-api.ts';

const port = parentPort;
if (!port) throw new Error('api-thread-worker.ts runs as a worker thread only');
// Decoded on the main thread, so it gets only what is read there: a post's answer without its echo.
const transport = createHttpTransport({ ...(workerData as ApiThreadSettings), omitEcho: true });

port.on('message', (message: ToApiThread) => {
  if ('preconnect' in message) return transport.preconnect?.(message.preconnect);
  const { id, request } = message;
  transport.send(request).then(
    (response) => port.postMessage({ id, response } satisfies FromApiThread),
    (error: unknown) => port.postMessage({ id, error: error instanceof Error ? error.message : String(error) } satisfies FromApiThread),
  );
});
port.postMessage({ ready: true } satisfies FromApiThread);
