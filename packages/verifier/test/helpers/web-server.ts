import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A Web-style handler: what Bun, Deno or a Worker hands a `Request` to, with the peer address. */
export type WebHandler = (request: Request, info: { remoteAddress: string }) => Promise<Response>;

/** Serves `handler` on 127.0.0.1, port 0, turning Node requests into `Request`s and back. */
export async function serveWeb(handler: WebHandler): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(async (req, res) => {
    try {
      const response = await handler(toRequest(req), { remoteAddress: req.socket.remoteAddress ?? '' });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(error));
    }
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

function toRequest(req: IncomingMessage): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  return new Request(`http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`, {
    method: req.method ?? 'GET',
    headers,
    body: hasBody ? toStream(req) : null,
    duplex: 'half',
  } as RequestInit);
}

/** The request body as a Web stream that tolerates being cancelled mid-way (as runtimes do). */
function toStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (!done) controller.enqueue(new Uint8Array(chunk));
      });
      req.on('end', () => {
        if (!done) controller.close();
        done = true;
      });
      req.on('error', (error) => {
        if (!done) controller.error(error);
        done = true;
      });
    },
    cancel() {
      done = true;
      req.resume();
    },
  });
}
