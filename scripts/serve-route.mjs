// Serves a Web `Request` route module (a Next.js-style file exporting GET and POST) on PORT with
// node:http, setting X-Real-IP from the connection as the proxy in front of such an app would.
// Used to run the route quick starts; `tsx scripts/serve-route.mjs route.ts` runs the TypeScript one.
import { createServer } from 'node:http';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const route = await import(pathToFileURL(resolve(process.argv[2])).href);

createServer(async (req, res) => {
  const chunks = [];
  for await (const chunk of req) chunks.push(chunk);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string') headers.set(name, value);
  }
  headers.set('x-real-ip', req.socket.remoteAddress ?? '');
  const handler = route[req.method ?? 'GET'];
  const response = handler
    ? await handler(
        new Request(`http://${req.headers.host}${req.url}`, {
          method: req.method,
          headers,
          body: req.method === 'GET' || req.method === 'HEAD' ? undefined : Buffer.concat(chunks),
        }),
      )
    : new Response(null, { status: 405 });
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}).listen(Number(process.env.PORT), '127.0.0.1');
