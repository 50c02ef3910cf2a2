import type { LightMyRequestResponse } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOGIN_ATTEMPTS } from '../src/admin/admin-area.js';
import {
  ADMIN_PASSWORD,
  ADMIN_USER,
  csrfToken,
  type Harness,
  loginAsAdmin,
  postForm,
  sessionCookie,
  startHarness,
  widgetFields,
} from './helpers.js';

const POST = 'tomatoes-on-a-balcony';

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness();
});
afterEach(async () => {
  await harness.close();
});

/** A comment the devserver holds for moderation; resolves to its id, read from the queue. */
async function held(): Promise<number> {
  await postForm(harness.app, '/comments', {
    post: POST,
    name: 'Max',
    email: 'max@example.com',
    message: 'moderate_me: which pot size?',
    ...(await widgetFields(harness.devserver)),
  });
  const queue = await harness.admin.get('/moderation');
  return Number(/id="pending-comment-(\d+)"/.exec(queue.body)?.[1]);
}

const feedbackSent = () => harness.devserver.requests.filter((r) => r.methodName === 'send_feedback').length;

async function stillPending(id: number): Promise<boolean> {
  return (await harness.admin.get('/moderation')).body.includes(`id="pending-comment-${id}"`);
}

function setCookie(response: LightMyRequestResponse): string {
  const header = response.headers['set-cookie'];
  return (Array.isArray(header) ? header : [header ?? '']).find((c) => c.startsWith('admin_session=')) ?? '';
}

describe('the admin area without a login', () => {
  it.each(['/moderation', '/log'])(
    'sends a visitor of %s to the login form and shows nothing',
    async (url) => {
      await held();
      const response = await harness.app.inject(url);
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`);
      expect(response.body).not.toContain('max@example.com');
      expect(response.body).not.toContain('which pot size');
    },
  );

  it('answers an anonymous moderation action with 401, changes nothing and tells CleanTalk nothing', async () => {
    const id = await held();
    for (const action of ['approve', 'reject']) {
      const response = await postForm(harness.app, `/moderation/comments/${id}`, { action });
      expect(response.statusCode).toBe(401);
    }
    expect(await stillPending(id)).toBe(true);
    expect(feedbackSent()).toBe(0);
    expect((await harness.app.inject(`/posts/${POST}`)).body).not.toContain('which pot size');
  });

  it('answers a logged-in action without the CSRF token with 403 and changes nothing', async () => {
    const id = await held();
    const forged = (fields: Record<string, string>) =>
      harness.app.inject({
        method: 'POST',
        url: `/moderation/comments/${id}`,
        headers: { cookie: harness.admin.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams(fields).toString(),
      });
    expect((await forged({ action: 'approve' })).statusCode).toBe(403);
    expect((await forged({ action: 'approve', _csrf: 'guessed' })).statusCode).toBe(403);
    // A token of another session (the attacker's own login form) does not fit this session.
    const other = csrfToken((await harness.app.inject('/login')).body);
    expect((await forged({ action: 'approve', _csrf: other })).statusCode).toBe(403);
    expect(await stillPending(id)).toBe(true);
    expect(feedbackSent()).toBe(0);
  });
});

describe('logging in', () => {
  it('sets an HttpOnly, SameSite=Lax session cookie, not Secure over plain HTTP', async () => {
    const form = await harness.app.inject('/login');
    expect(setCookie(form)).toMatch(/; HttpOnly/);
    expect(setCookie(form)).toMatch(/; SameSite=Lax/);
    expect(setCookie(form)).not.toMatch(/; Secure/);
  });

  it('marks the cookie Secure when the request came over HTTPS through a trusted proxy', async () => {
    const proxied = await startHarness({ trustProxy: ['127.0.0.1'] });
    try {
      const form = await proxied.app.inject({
        url: '/login',
        headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' },
      });
      expect(setCookie(form)).toMatch(/; Secure/);
    } finally {
      await proxied.close();
    }
  });

  it('starts a new session on login: the cookie from before logging in opens nothing', async () => {
    const form = await harness.app.inject('/login');
    const before = sessionCookie(form) ?? '';
    const login = await harness.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: before, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: csrfToken(form.body),
        user: ADMIN_USER,
        password: ADMIN_PASSWORD,
        next: '/log',
      }).toString(),
    });
    expect(login.statusCode).toBe(303);
    expect(login.headers.location).toBe('/log');
    expect(sessionCookie(login)).not.toBe(before);
    expect((await harness.app.inject({ url: '/log', headers: { cookie: before } })).statusCode).toBe(303);
  });

  it('refuses a wrong password or user name with 401 and the same words', async () => {
    const attempt = async (user: string, password: string) => {
      const form = await harness.app.inject('/login');
      return harness.app.inject({
        method: 'POST',
        url: '/login',
        headers: { cookie: sessionCookie(form) ?? '', 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: csrfToken(form.body), user, password }).toString(),
      });
    };
    const wrongPassword = await attempt(ADMIN_USER, `${ADMIN_PASSWORD}!`);
    const wrongUser = await attempt('root', ADMIN_PASSWORD);
    for (const response of [wrongPassword, wrongUser]) {
      expect(response.statusCode).toBe(401);
      expect(response.body).toContain('Wrong user name or password.');
      expect(sessionCookie(response) ?? '').not.toBe('');
    }
    expect(wrongPassword.body).toContain(`value="${ADMIN_USER}"`);
  });

  it('refuses a login form sent without its CSRF token', async () => {
    const form = await harness.app.inject('/login');
    const response = await harness.app.inject({
      method: 'POST',
      url: '/login',
      headers: { cookie: sessionCookie(form) ?? '', 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ user: ADMIN_USER, password: ADMIN_PASSWORD }).toString(),
    });
    expect(response.statusCode).toBe(403);
    const cookie = sessionCookie(response) ?? sessionCookie(form) ?? '';
    expect((await harness.app.inject({ url: '/moderation', headers: { cookie } })).statusCode).toBe(303);
  });

  it(`allows ${LOGIN_ATTEMPTS.max} attempts per address, then answers 429 there only`, async () => {
    const remoteAddress = '203.0.113.5';
    const form = await harness.app.inject({ url: '/login', remoteAddress });
    const cookie = sessionCookie(form) ?? '';
    const token = csrfToken(form.body);
    const statuses: number[] = [];
    for (let i = 0; i <= LOGIN_ATTEMPTS.max; i++) {
      const response = await harness.app.inject({
        method: 'POST',
        url: '/login',
        remoteAddress,
        headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: token, user: ADMIN_USER, password: `guess ${i}` }).toString(),
      });
      statuses.push(response.statusCode);
      if (response.statusCode === 429) {
        expect(response.body).toContain('Too many login attempts');
        expect(response.headers['retry-after']).toBeDefined();
      }
    }
    expect(statuses).toEqual([...Array(LOGIN_ATTEMPTS.max).fill(401), 429]);
    // The administrator, from another address, still gets in.
    await expect(loginAsAdmin(harness.app)).resolves.toBeDefined();
  });

  it.each(['https://evil.example/', '//evil.example', '/posts/x', 'javascript:alert(1)'])(
    'goes to the queue, not to next=%s',
    async (next) => {
      const form = await harness.app.inject(`/login?next=${encodeURIComponent(next)}`);
      expect(form.body).toContain('name="next" value="/moderation"');
      const login = await harness.app.inject({
        method: 'POST',
        url: '/login',
        headers: { cookie: sessionCookie(form) ?? '', 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: csrfToken(form.body),
          user: ADMIN_USER,
          password: ADMIN_PASSWORD,
          next,
        }).toString(),
      });
      expect(login.headers.location).toBe('/moderation');
    },
  );
});

describe('a logged-in administrator', () => {
  it('approves a held comment with the page’s token: published, feedback sent once', async () => {
    const id = await held();
    const response = await harness.admin.post(`/moderation/comments/${id}`, { action: 'approve' });
    expect(response.statusCode).toBe(303);
    expect(feedbackSent()).toBe(1);
    expect((await harness.app.inject(`/posts/${POST}`)).body).toContain('which pot size');
  });

  it('logs out: the session is gone from the server, the old cookie opens nothing', async () => {
    const { cookie } = harness.admin;
    const logout = await harness.admin.post('/logout', {});
    expect(logout.statusCode).toBe(303);
    expect(logout.headers.location).toBe('/');
    expect((await harness.app.inject({ url: '/moderation', headers: { cookie } })).statusCode).toBe(303);
  });

  it('is sent on from the login form to the page it asked for', async () => {
    const response = await harness.admin.get('/login?next=%2Flog');
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/log');
  });

  it('sees the admin links only in the admin area; visitors’ pages set no cookie', async () => {
    const queue = await harness.admin.get('/moderation');
    expect(queue.body).toContain('<a href="/log">Log</a>');
    expect(queue.body).toContain(`Log out ${ADMIN_USER}`);
    for (const url of ['/', `/posts/${POST}`, '/signup']) {
      const page = await harness.app.inject({ url, headers: { cookie: harness.admin.cookie } });
      expect(page.body).not.toContain('href="/moderation"');
      expect(page.headers['set-cookie']).toBeUndefined();
    }
  });

  it('keeps the session in the database, not in the process: a second app on the same file lets it in', async () => {
    const { mkdtemp, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'fastify-comments-session-'));
    const dataFile = join(dir, 'data.sqlite');
    try {
      const first = await startHarness({ dataFile });
      const { cookie } = first.admin;
      await first.close();
      const second = await startHarness({ dataFile });
      expect((await second.app.inject({ url: '/moderation', headers: { cookie } })).statusCode).toBe(200);
      await second.close();
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

// The login helper itself must fail loudly on a wrong password, or every test above would pass vacuously.
it('the login helper reaches the queue', async () => {
  const admin = await loginAsAdmin(harness.app);
  expect((await admin.get('/moderation')).statusCode).toBe(200);
});
