// Browser tests in Debian's Chromium, against the BUILT files in dist/ (run `pnpm build` first).
import { standInDetectorSource } from '@ct-protected-form/devserver';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { chromiumLaunchOptions } from '../../scripts/chromium.mjs';

/** How often each detector URL (path and query) was requested, for "loaded once" assertions. */
const loads = new Map();
let startTokens = 0;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * - `/detector/<name>.js?delay=MS`: the devserver's stand-in bot detector (`/detector/missing.js` 404s);
 * - `/__loads`: the request counts above, as JSON;
 * - `/ct/start-token?delay=MS&fail=1`: a start token, `{"token": "start-<n>"}`, or a 500;
 * - `POST /echo`: the submitted fields as JSON `[[name, value], …]` (form-encoded or multipart);
 * - `/page?html=…`: that HTML as a page of its own (a CMS page in an iframe).
 */
async function testServer(ctx, next) {
  const { path, query } = ctx;
  if (path.startsWith('/detector/') && path !== '/detector/missing.js') {
    loads.set(ctx.url, (loads.get(ctx.url) ?? 0) + 1);
    ctx.type = 'application/javascript';
    ctx.set('cache-control', 'no-store');
    ctx.body = standInDetectorSource({ delayMs: Number(query.delay ?? 0) });
    return;
  }
  if (path === '/__loads') {
    ctx.body = Object.fromEntries(loads);
    return;
  }
  if (path === '/ct/start-token') {
    await sleep(Number(query.delay ?? 0));
    ctx.set('cache-control', 'no-store');
    if (query.fail) {
      ctx.status = 500;
      ctx.body = { error: 'unavailable' };
    } else {
      startTokens += 1;
      ctx.body = { token: `start-${startTokens}` };
    }
    return;
  }
  if (path === '/echo' && ctx.method === 'POST') {
    const request = new Request(`http://localhost${ctx.url}`, {
      method: 'POST',
      headers: { 'content-type': ctx.get('content-type') },
      body: ctx.req,
      duplex: 'half',
    });
    const fields = [...(await request.formData())].map(([name, value]) => [name, String(value)]);
    ctx.type = 'application/json';
    ctx.body = JSON.stringify(fields);
    return;
  }
  if (path === '/page') {
    ctx.type = 'text/html';
    ctx.body = String(query.html ?? '');
    return;
  }
  return next();
}

export default {
  files: 'test/browser/**/*.test.js',
  nodeResolve: { exportConditions: ['production'] },
  concurrency: 1,
  // One test waits out the 2 s bound on holding a submit.
  testFramework: { config: { timeout: 5000 } },
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: chromiumLaunchOptions(),
    }),
  ],
  middleware: [testServer],
};
