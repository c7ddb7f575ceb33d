import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';

export interface SilentTicker {
  url: string;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Sends a text frame to every open connection. */
  sendText(text: string): void;
  close(): Promise<void>;
}

/** A ticker that accepts any handshake and then sends nothing unless told: a hung broker. */
export async function startSilentTicker(): Promise<SilentTicker> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const sockets = new Set<WebSocket>();
  let connections = 0;
  server.on('connection', (ws) => {
    connections++;
    sockets.add(ws);
    ws.on('close', () => sockets.delete(ws));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}`,
    get connections() {
      return connections;
    },
    sendText: (text) => sockets.forEach((ws) => ws.send(text)),
    close: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((ws) => ws.terminate());
        server.close(() => resolve());
      }),
  };
}
