import type { ServerResponse } from 'node:http';
import type { ApiSource } from './api-server.ts';
import { exact, type Route } from './http-exchange.ts';

const KEEP_ALIVE_MS = 15_000;
const RECONNECT_MS = 2000;

/** /api/events: server-sent events of the source, with a keep-alive comment every 15 s. */
export function eventStream(source: Pick<ApiSource, 'onEvent'>): { route: Route; close(): void } {
  const streams = new Set<ServerResponse>();
  const unsubscribe = source.onEvent((event, data) => {
    const frame = `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
    for (const stream of streams) stream.write(frame);
  });
  const keepAlive = setInterval(() => {
    for (const stream of streams) stream.write(': keep-alive\n\n');
  }, KEEP_ALIVE_MS);
  const serve: Route['serve'] = ({ req, res }) => {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    // A browser's EventSource comes back this long after the stream drops.
    res.write(`retry: ${RECONNECT_MS}\n: connected\n\n`);
    streams.add(res);
    req.on('close', () => streams.delete(res));
  };
  return {
    route: { method: 'GET', match: exact('/api/events'), serve },
    close: () => {
      unsubscribe();
      clearInterval(keepAlive);
      for (const stream of streams) stream.end();
    },
  };
}
