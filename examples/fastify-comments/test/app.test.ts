import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Harness, lastBody, postForm, startHarness, widgetFields } from './helpers.js';
import { newestPending } from './hostile.js';

const POST = 'tomatoes-on-a-balcony';

let harness: Harness;
beforeEach(async () => {
  harness = await startHarness();
});
afterEach(async () => {
  await harness.close();
});

async function comment(fields: Record<string, string> = {}, hidden?: Record<string, string>) {
  return postForm(harness.app, '/comments', {
    post: POST,
    name: 'Ada',
    email: 'ada@example.com',
    message: 'My cherry tomatoes loved the windy corner.',
    ...(hidden ?? (await widgetFields(harness.devserver))),
    ...fields,
  });
}

describe('the comment form', () => {
  it('publishes an allowed comment and redirects to it', async () => {
    const response = await comment();
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toMatch(new RegExp(`^/posts/${POST}#comment-\\d+$`));
    const page = await harness.app.inject(`/posts/${POST}`);
    expect(page.body).toContain('My cherry tomatoes loved the windy corner.');
    expect(page.body).toContain('1 comment');
  });

  it('sends the post and the newest approved comments as relevance context', async () => {
    await comment({ message: 'First approved comment about pots.' });
    await comment({ message: 'Second one about watering.' });
    const body = lastBody(harness.devserver, 'check_message');
    expect(body.example).toContain('Growing tomatoes on a small balcony');
    expect(body.example).toContain('First approved comment about pots.');
  });

  it('sends what the widget proved: token, JavaScript and the time on the page', async () => {
    await comment({}, await widgetFields(harness.devserver, 12));
    const body = lastBody(harness.devserver, 'check_message');
    expect(body.event_token).toMatch(/^[0-9a-f]{64}$/);
    expect(body.event_token_enabled).toBe(1);
    expect(body.js_on).toBe(1);
    expect(body.submit_time).toBe(12);
    expect(body.sender_email).toBe('ada@example.com');
    expect(body.sender_nickname).toBe('Ada');
  });

  it('answers a blacklisted sender with 403, the reason and the form refilled, escaped', async () => {
    const response = await comment({
      email: 'stop_email@example.com',
      name: 'Eve "the <b>bold</b>"',
      message: '<script>alert(1)</script> & more',
    });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Forbidden. Sender blacklisted.');
    expect(response.body).not.toContain('***');
    expect(response.body).toContain('value="stop_email@example.com"');
    expect(response.body).toContain('value="Eve &quot;the &lt;b&gt;bold&lt;/b&gt;&quot;"');
    expect(response.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more</textarea>');
    expect(response.body).not.toContain('<script>alert(1)');
    const page = await harness.app.inject(`/posts/${POST}`);
    expect(page.body).toContain('0 comments');
  });

  it('blocks a post without JavaScript proof (JS_DISABLED) and logs it', async () => {
    const response = await comment({}, {});
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Please enable JavaScript.');
    expect(lastBody(harness.devserver, 'check_message').js_on).toBe(0);
    const log = await harness.admin.get('/log');
    expect(log.body).toContain('JS_DISABLED');
  });

  it('holds a comment CleanTalk wants moderated and keeps it off the page', async () => {
    const response = await comment({ message: 'Please moderate_me before publishing.' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/posts/${POST}?held#respond`);
    const page = await harness.app.inject(response.headers.location as string);
    expect(page.body).toContain('held for moderation');
    expect(page.body).not.toContain('Please moderate_me');
    const queue = await harness.admin.get('/moderation');
    expect(queue.body).toContain('Please moderate_me before publishing.');
  });

  it('holds comments for review when CleanTalk cannot be reached', async () => {
    harness.devserver.setFault({ status: 503, times: 2 });
    const response = await comment();
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/posts/${POST}?held#respond`);
    const log = await harness.admin.get('/log');
    expect(log.body).toContain('not verified');
  });

  it('rejects invalid input with 400 before asking CleanTalk', async () => {
    const response = await comment({ email: 'not an email' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('valid email address');
    expect(harness.devserver.lastRequest('check_message')).toBeUndefined();
  });

  it('keeps the paragraphs of a comment a browser sent with CRLF line ends', async () => {
    await comment({ message: 'Pots first.\r\n\r\nThen water.\r\nEvery morning.' });
    const page = await harness.app.inject(`/posts/${POST}`);
    expect(page.body).toContain('<p>Pots first.</p><p>Then water.\r\nEvery morning.</p>');
  });

  it('shows a lone surrogate sent in a JSON body as U+FFFD, not as the bytes SQLite mangled', async () => {
    const response = await harness.app.inject({
      method: 'POST',
      url: '/comments',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({
        post: POST,
        name: 'Ada \uD800',
        email: 'ada@example.com',
        message: 'Half a tomato: \uD83C',
        ...(await widgetFields(harness.devserver)),
      }),
    });
    expect(response.statusCode).toBe(303);
    const page = await harness.app.inject(`/posts/${POST}`);
    expect(page.body).toContain('<strong class="author">Ada \uFFFD</strong>');
    expect(page.body).toContain('<p>Half a tomato: \uFFFD</p>');
  });

  it('blocks a comment whose honeypot is filled, stores nothing, asks CleanTalk nothing, and logs it', async () => {
    const response = await comment({ ct_hp: 'https://cheap-seeds.example' });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('rejected as automated');
    expect(harness.devserver.lastRequest('check_message')).toBeUndefined();
    expect((await harness.app.inject(`/posts/${POST}`)).body).toContain('0 comments');
    expect((await harness.admin.get('/moderation')).body).not.toContain('My cherry tomatoes');
    const log = (await harness.admin.get('/log')).body;
    expect(log).toContain('badge-block');
    expect(log).toContain('Your message was rejected as automated.');
    expect(log).toContain('ada@example.com');
  });

  it('answers 404 for a comment on a post that does not exist', async () => {
    const response = await comment({ post: 'no-such-post' });
    expect(response.statusCode).toBe(404);
  });
});

describe('the moderation queue', () => {
  async function held(): Promise<number> {
    await comment({ message: 'moderate_me: is this on topic?' });
    return newestPending((await harness.admin.get('/moderation')).body, 'comment');
  }

  it('publishes an approved comment and tells CleanTalk it was fine', async () => {
    const id = await held();
    expect((await harness.admin.get('/moderation')).body).toContain(`pending-comment-${id}`);
    const response = await harness.admin.post(`/moderation/comments/${id}`, { action: 'approve' });
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/moderation?done=approved');
    const feedback = lastBody(harness.devserver, 'send_feedback');
    expect(feedback.feedback).toMatch(/^[0-9a-f]{32}:1;$/);
    const page = await harness.app.inject(`/posts/${POST}`);
    expect(page.body).toContain('moderate_me: is this on topic?');
  });

  it('reports a rejected comment as spam and never publishes it', async () => {
    const id = await held();
    await harness.admin.post(`/moderation/comments/${id}`, { action: 'reject' });
    expect(lastBody(harness.devserver, 'send_feedback').feedback).toMatch(/^[0-9a-f]{32}:0;$/);
    const page = await harness.app.inject(`/posts/${POST}`);
    expect(page.body).not.toContain('is this on topic?');
  });

  it('still moderates when the feedback cannot be sent, and says so', async () => {
    const id = await held();
    harness.devserver.setFault({ status: 500, times: 5 });
    const response = await harness.admin.post(`/moderation/comments/${id}`, { action: 'approve' });
    expect(response.headers.location).toBe('/moderation?done=approved-unsent');
    const page = await harness.admin.get(response.headers.location as string);
    expect(page.body).toContain('could not be told');
  });

  it.each(['0{id}', '{id}.0', '{id}e0', '%20{id}', '0x{hex}'])(
    'answers 404 for an id written as %s, leaving the entry waiting',
    async (written) => {
      const id = await held();
      const path = written.replace('{id}', String(id)).replace('{hex}', id.toString(16));
      const response = await harness.admin.post(`/moderation/comments/${path}`, { action: 'approve' });
      expect(response.statusCode).toBe(404);
      expect((await harness.admin.get('/moderation')).body).toContain(`pending-comment-${id}`);
    },
  );

  it.each(['__proto__', 'constructor', 'toString'])('shows no empty notice for ?done=%s', async (done) => {
    const page = await harness.admin.get(`/moderation?done=${done}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('class="notice ');
  });

  it('does not moderate the same entry twice', async () => {
    const id = await held();
    await harness.admin.post(`/moderation/comments/${id}`, { action: 'approve' });
    const again = await harness.admin.post(`/moderation/comments/${id}`, { action: 'reject' });
    expect(again.headers.location).toBe('/moderation?done=gone');
    expect(harness.devserver.requests.filter((r) => r.methodName === 'send_feedback')).toHaveLength(1);
  });
});

describe('the sign-up form', () => {
  async function signup(fields: Record<string, string>) {
    return postForm(harness.app, '/signup', {
      name: 'Grace',
      email: 'grace@example.com',
      ...(await widgetFields(harness.devserver)),
      ...fields,
    });
  }

  it('checks a sign-up with check_newuser and creates the account', async () => {
    const response = await signup({});
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('Welcome, Grace!');
    const body = lastBody(harness.devserver, 'check_newuser');
    expect(JSON.parse(body.post_info as string).comment_type).toBe('registration');
  });

  it('creates the account inactive when CleanTalk asks for it', async () => {
    const response = await signup({ email: 'inactive@example.com' });
    expect(response.body).toContain('your account becomes active once you confirm it');
  });

  it('blocks a disposable address with the form refilled', async () => {
    const response = await signup({ email: 'someone@mailinator.com' });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('Disposable email addresses are not accepted.');
    expect(response.body).toContain('value="someone@mailinator.com"');
  });

  it('answers invalid input with 400 without spending a check', async () => {
    const response = await signup({ email: 'nope' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('valid email address');
    expect(harness.devserver.lastRequest('check_newuser')).toBeUndefined();
  });

  it('refuses a second account for the same address before asking CleanTalk', async () => {
    await signup({});
    harness.devserver.clearRequests();
    const response = await signup({ email: 'GRACE@example.com' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('exists already');
    expect(harness.devserver.lastRequest('check_newuser')).toBeUndefined();
  });

  it('logs a blocked sign-up with its codes', async () => {
    await signup({ email: 'stop_email@example.com' });
    const log = await harness.admin.get('/log');
    expect(log.body).toContain('FORBIDDEN BL');
    expect(log.body).toContain('stop_email@example.com');
  });

  it('blocks a sign-up whose honeypot is filled, creates no account, and logs it', async () => {
    const response = await signup({ ct_hp: 'Grace' });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('rejected as automated');
    expect(harness.devserver.lastRequest('check_newuser')).toBeUndefined();
    expect((await signup({})).statusCode).toBe(200); // the address is still free
    const log = (await harness.admin.get('/log')).body;
    expect(log).toContain('Your message was rejected as automated.');
  });

  it('refuses a sign-up CleanTalk is unsure about (allow 0, stop_queue 0), as its CMS modules do', async () => {
    const response = await signup({ email: 'review@example.com' });
    expect(response.statusCode).toBe(403);
    expect(response.body).toContain('manual moderation');
    const queue = await harness.admin.get('/moderation');
    expect(queue.body).not.toContain('review@example.com');
  });
});

describe('behind a reverse proxy', () => {
  const forwarded = async (app: Harness['app'], devserver: Harness['devserver']) =>
    app.inject({
      method: 'POST',
      url: '/comments',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': '203.0.113.9' },
      payload: new URLSearchParams({
        post: POST,
        name: 'Ada',
        email: 'ada@example.com',
        message: 'Via the proxy.',
        ...(await widgetFields(devserver)),
      }).toString(),
    });

  it('ignores X-Forwarded-For by default: anyone can send one', async () => {
    await forwarded(harness.app, harness.devserver);
    expect(lastBody(harness.devserver, 'check_message').sender_ip).toBe('127.0.0.1');
  });

  it('sends CleanTalk the visitor the trusted proxy names', async () => {
    const proxied = await startHarness({ trustProxy: ['127.0.0.1'] });
    try {
      await forwarded(proxied.app, proxied.devserver);
      expect(lastBody(proxied.devserver, 'check_message').sender_ip).toBe('203.0.113.9');
    } finally {
      await proxied.close();
    }
  });
});

describe('the start-token route', () => {
  it('issues a fresh token that is never cached', async () => {
    const first = await harness.app.inject('/ct-protected-form/start-token');
    const second = await harness.app.inject('/ct-protected-form/start-token');
    expect(first.headers['cache-control']).toBe('no-store');
    expect(first.json().token).toMatch(/^[\w-]{40,}$/);
    expect(first.json().token).not.toBe(second.json().token);
  });

  it('holds a form sent back with a token younger than the minimum age, on the server clock', async () => {
    const route = await harness.app.inject('/ct-protected-form/start-token');
    const cookie = String(route.headers['set-cookie']).split(';')[0] ?? '';
    const response = await harness.app.inject({
      method: 'POST',
      url: '/comments',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie },
      payload: new URLSearchParams({
        post: POST,
        name: 'Ada',
        email: 'ada@example.com',
        message: 'Quick!',
        ...(await widgetFields(harness.devserver)),
        ct_start_token: route.json().token,
      }).toString(),
    });
    expect(response.headers.location).toMatch(/\?held#respond$/);
    const sent = lastBody(harness.devserver, 'check_message');
    expect(sent).not.toHaveProperty('submit_time');
    expect(JSON.parse(String(sent.sender_info)).start_time_problem).toBe('early');
  });
});

describe('the pages', () => {
  it('wraps every form in <ct-protected-form> pointing at the configured detector', async () => {
    for (const url of [`/posts/${POST}`, '/signup']) {
      const page = await harness.app.inject(url);
      expect(page.body).toContain(
        `<ct-protected-form detector-src="${harness.devserver.detectorUrl}" start-token-url="/ct-protected-form/start-token" honeypot>`,
      );
      expect(page.body).toContain('<script src="/assets/ct-protected-form.min.js" defer></script>');
    }
  });

  it('answers an unknown address with a 404 page', async () => {
    const response = await harness.app.inject('/posts/nope');
    expect(response.statusCode).toBe(404);
    expect(response.body).toContain('Not found');
  });

  it('serves the stylesheet', async () => {
    const response = await harness.app.inject('/assets/site.css');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/css');
  });
});
