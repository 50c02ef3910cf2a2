import { DEFAULT_DETECTOR_SRC, DETECTOR_STORAGE_KEY, FIELDS } from '@ct-protected-form/fields';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { ProtectedFormErrorEvent, ProtectedFormReadyEvent } from '../src/events.js';
import type { ProtectionOptions } from '../src/options.js';
import { drive, flush, mount, record, serialise, token, use, value, values } from './helpers.js';

// The detector cache and the page-wide consent flag live as long as their modules: fresh ones per test.
let protection: typeof import('../src/protection-controller.js');
let consent: typeof import('../src/consent.js');
beforeEach(async () => {
  vi.resetModules();
  protection = await import('../src/protection-controller.js');
  consent = await import('../src/consent.js');
});

const created: Array<{ disconnect(): void }> = [];
afterEach(() => {
  for (const protection of created.splice(0)) protection.disconnect();
});

const allForms = () => document.querySelectorAll('form');
const scripts = () => [...document.querySelectorAll('script')];
const storeToken = (value = token()) => localStorage.setItem(DETECTOR_STORAGE_KEY, JSON.stringify({ value }));

/** A connected protection over the page's forms, with its events recorded. */
function connect(options: ProtectionOptions = {}) {
  const made = drive(protection.ProtectionController);
  created.push(made);
  const ready = record<ProtectedFormReadyEvent>(document, 'ct-ready');
  const errors = record<ProtectedFormErrorEvent>(document, 'ct-error');
  made.connect(options);
  return { protection: made, ready, errors };
}

/** A fetch that answers each start-token request with the next token of `tokens`. */
function startTokens(...tokens: string[]) {
  const fetch = vi.fn(async () => {
    const next = tokens.shift();
    return next ? Response.json({ token: next }) : new Response('', { status: 500 });
  });
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

describe('forms', () => {
  test('protects the forms it is given, and forms added later', async () => {
    mount('<form id="a"></form>');
    connect({ noDetector: true });
    document.body.insertAdjacentHTML('beforeend', '<section><form id="b"></form></section>');
    await flush();
    for (const form of allForms()) expect(serialise(form).getAll(FIELDS.startedAt)).toHaveLength(1);
  });

  test('writes nothing into the forms until they are used, then their fields', async () => {
    const form = mount('<form id="a"><input name="email"></form>');
    const mutations: MutationRecord[] = [];
    const observer = new MutationObserver((records) => mutations.push(...records));
    observer.observe(document.body, { subtree: true, childList: true, attributes: true });
    connect({ noDetector: true });
    document.body.insertAdjacentHTML('beforeend', '<form id="b"></form>');
    await flush();
    expect(mutations.map((record) => (record.target as Element).id || record.target.nodeName)).toEqual([
      'BODY',
    ]);
    expect(values(form, FIELDS.startedAt)).toEqual([]);
    use(form);
    expect(values(form, FIELDS.startedAt)).toHaveLength(1);
    expect(values(document.forms[1] as HTMLFormElement, FIELDS.startedAt)).toEqual([]);
    observer.disconnect();
  });

  test('a form that leaves loses the fields it was given', async () => {
    const form = mount('<form><input name="email"></form>');
    connect({ noDetector: true });
    form.remove();
    await flush();
    expect([...form.elements].map((element) => (element as HTMLInputElement).name)).toEqual(['email']);
  });

  test('writes the start time, time zone and offset, page URL and referrer, and no client-computed checksum', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    const form = mount('<form></form>');
    connect({ noDetector: true });
    use(form);
    expect(value(form, FIELDS.startedAt)).toBe('1700000000000');
    expect(values(form, 'ct_js')).toEqual([]);
    expect(value(form, FIELDS.timeZone)).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
    expect(value(form, FIELDS.tzOffset)).toBe(String(-new Date().getTimezoneOffset()));
    expect(value(form, FIELDS.pageUrl)).toBe(location.href);
    expect(value(form, FIELDS.referrer)).toBe(document.referrer);
    expect(value(form, FIELDS.startToken)).toBe('');
    expect(value(form, FIELDS.eventToken)).toBe('');
  });

  test('connecting again keeps the start time and adds no second set of fields', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    const form = mount('<form></form>');
    const { protection: created } = connect({ noDetector: true });
    use(form);
    created.disconnect();
    expect(values(form, FIELDS.startedAt)).toEqual([]);
    vi.setSystemTime(1_700_000_060_000);
    created.connect({ noDetector: true });
    use(form);
    expect(values(form, FIELDS.startedAt)).toEqual(['1700000000000']);
  });

  test('after disconnect, forms added later are left alone', async () => {
    mount('');
    connect({ noDetector: true }).protection.disconnect();
    const form = mount('<form></form>');
    await flush();
    expect(values(form, FIELDS.startedAt)).toEqual([]);
  });

  test('adds the honeypot to forms the parser reaches after connecting, once it has parsed the page', () => {
    vi.spyOn(document, 'readyState', 'get').mockReturnValue('loading');
    mount('');
    connect({ noDetector: true, honeypot: true });
    const form = mount('<form></form>');
    expect(values(form, FIELDS.honeypot)).toEqual([]);
    document.dispatchEvent(new Event('DOMContentLoaded'));
    expect(values(form, FIELDS.honeypot)).toEqual(['']);
    expect(values(form, FIELDS.startedAt)).toEqual([]);
  });

  test('the detector token, a start token, reset() and the parsed page refresh the used forms and look up no other', async () => {
    startTokens('fetched.1', 'fetched.2');
    mount('<form id="used"><input name="email"></form><form id="untouched"></form>');
    const [used, untouched] = allForms() as unknown as [HTMLFormElement, HTMLFormElement];
    const { protection: created } = connect({ startTokenUrl: '/ct/start-token' });
    use(used);
    // Every element the protection's lookups hand it from now on: a form it reaches gets a script
    // wrapper, which the browser keeps, and on a page of thousands of forms that made a visitor's
    // first use of a form slow.
    const found = new Set<Node>();
    for (const prototype of [Document.prototype, Element.prototype]) {
      const { querySelectorAll } = prototype;
      vi.spyOn(prototype, 'querySelectorAll').mockImplementation(function (
        this: ParentNode,
        selector: string,
      ) {
        const list = querySelectorAll.call(this, selector);
        for (const node of list) found.add(node);
        return list;
      });
    }
    document.dispatchEvent(new Event('DOMContentLoaded'));
    await created.pending;
    storeToken(token('t'));
    await created.ready;
    created.reset();
    await created.pending;
    expect(value(used, FIELDS.startToken)).toBe('fetched.2');
    expect(value(used, FIELDS.eventToken)).toBe(token('t'));
    expect([...found]).not.toContain(untouched);
  });

  test('adds the honeypot when asked, and takes it away when no longer asked', () => {
    const form = mount('<form></form>');
    const { protection: created } = connect({ noDetector: true, honeypot: true });
    expect(value(form, FIELDS.honeypot)).toBe('');
    created.configure({ noDetector: true });
    expect(values(form, FIELDS.honeypot)).toEqual([]);
  });
});

describe('detector', () => {
  test("loads CleanTalk's detector once, however many protections there are", () => {
    mount('<form></form>');
    connect();
    connect();
    expect(scripts().map((script) => script.src)).toEqual([DEFAULT_DETECTOR_SRC]);
  });

  test('loads another detector URL when told to, with nonce and integrity', () => {
    mount('<form></form>');
    connect({ detectorSrc: '/stand-in/ct-bot-detector-wrapper.js', nonce: 'n0nce', integrity: 'sha384-x' });
    const [script] = scripts();
    expect(script?.src).toBe(new URL('/stand-in/ct-bot-detector-wrapper.js', location.href).href);
    expect(script?.nonce).toBe('n0nce');
    expect(script?.integrity).toBe('sha384-x');
  });

  test('with a token already stored, ready resolves at once and the forms carry it', async () => {
    storeToken(token('s'));
    const form = mount('<form></form>');
    const { protection: created, ready } = connect();
    use(form);
    await created.ready;
    expect(ready.map((event) => event.hasToken)).toEqual([true]);
    expect(value(form, FIELDS.eventToken)).toBe(token('s'));
  });

  test('waits for the token, then fires ct-ready and writes it into the forms', async () => {
    const form = mount('<form></form>');
    const { protection: created, ready } = connect();
    use(form);
    expect(ready).toHaveLength(0);
    storeToken(token('l'));
    await created.ready;
    expect(ready.map((event) => event.hasToken)).toEqual([true]);
    expect(value(form, FIELDS.eventToken)).toBe(token('l'));
  });

  test(`gives up after READY_TIMEOUT_MS with ct-error and a ct-ready without token`, async () => {
    vi.useFakeTimers();
    mount('<form></form>');
    const { protection: created, ready, errors } = connect();
    await vi.advanceTimersByTimeAsync(protection.READY_TIMEOUT_MS - 200);
    expect(ready).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(300);
    await created.ready;
    expect(errors.map((event) => event.code)).toEqual(['CT_DETECTOR_TIMEOUT']);
    expect(ready.map((event) => event.hasToken)).toEqual([false]);
  });

  test('a detector that fails to load fires ct-error, resolves ready, and the forms keep their fields', async () => {
    const { settings } = (window as unknown as { happyDOM: { settings: Record<string, unknown> } }).happyDOM;
    settings.handleDisabledFileLoadingAsSuccess = false;
    vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const form = mount('<form></form>');
      const {
        protection: created,
        ready,
        errors,
      } = connect({ detectorSrc: 'http://127.0.0.1:9/blocked.js' });
      use(form);
      await created.ready;
      expect(errors.map((event) => event.code)).toEqual(['CT_DETECTOR_FAILED']);
      expect(errors[0]?.message).toContain('http://127.0.0.1:9/blocked.js');
      expect(ready.map((event) => event.hasToken)).toEqual([false]);
      expect(value(form, FIELDS.eventToken)).toBe('');
      expect(value(form, FIELDS.startedAt)).not.toBe('');
    } finally {
      settings.handleDisabledFileLoadingAsSuccess = true;
    }
  });

  test('no-detector loads nothing and is ready at once, yet uses a token the page already has', async () => {
    storeToken(token('c'));
    const form = mount('<form></form>');
    const { protection: created } = connect({ noDetector: true });
    use(form);
    await created.ready;
    expect(scripts()).toHaveLength(0);
    expect(value(form, FIELDS.eventToken)).toBe(token('c'));
  });

  test.each(['javascript:alert(1)', 'http://[bad', 'data:text/javascript,1', '', ' '])(
    'a detector-src of %s warns, fires ct-error and loads nothing',
    async (src) => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      mount('<form></form>');
      const { protection: created, errors } = connect({ detectorSrc: src });
      await created.ready;
      expect(scripts()).toHaveLength(0);
      expect(errors.map((event) => event.code)).toEqual(['CT_INVALID_OPTION']);
      expect(warn.mock.calls[0]?.[0]).toContain(`detector-src="${src}"`);
    },
  );
});

test('a bad detector-src (javascript:alert(1)) is reported with no-detector too, not first when no-detector goes', () => {
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  mount('<form></form>');
  const { protection: created, errors } = connect({ noDetector: true, detectorSrc: 'javascript:alert(1)' });
  expect(errors.map((event) => event.code)).toEqual(['CT_INVALID_OPTION']);
  created.configure({ detectorSrc: 'javascript:alert(1)' }, new Map([['noDetector', true]]));
  expect(errors).toHaveLength(1);
  expect(warn).toHaveBeenCalledOnce();
  expect(scripts()).toHaveLength(0);
});

describe('consent', () => {
  test('while pending, loads no script and reads no storage, and ready still resolves', async () => {
    const getItem = vi.spyOn(Storage.prototype, 'getItem');
    storeToken();
    const form = mount('<form></form>');
    const { protection: created } = connect({ consent: 'pending' });
    use(form);
    await created.ready;
    created.getFields();
    created.reset();
    expect(scripts()).toHaveLength(0);
    expect(getItem).not.toHaveBeenCalled();
    expect(value(form, FIELDS.eventToken)).toBe('');
  });

  test('once granted, the detector loads and the token is read', () => {
    storeToken(token('g'));
    const form = mount('<form></form>');
    const { protection: created, ready } = connect({ consent: 'pending' });
    use(form);
    created.grantConsent();
    expect(scripts()).toHaveLength(1);
    expect(value(form, FIELDS.eventToken)).toBe(token('g'));
    expect(ready.map((event) => event.hasToken)).toEqual([true]);
  });

  test('changing consent to "granted" grants it', () => {
    mount('<form></form>');
    const { protection: created } = connect({ consent: 'pending' });
    created.configure({ consent: 'granted' });
    expect(scripts()).toHaveLength(1);
  });

  test('the page starts without consent, and one event grants it once to every pending protection', () => {
    storeToken(token('p'));
    mount('<form></form>');
    const first = connect({ consent: 'pending', noDetector: true });
    const second = connect({ consent: 'pending', noDetector: true });
    expect(first.protection.getFields()[FIELDS.eventToken]).toBe('');
    const grants = vi.spyOn(protection.ProtectionController.prototype, 'grantConsent');
    document.dispatchEvent(new Event(consent.CONSENT_EVENT));
    expect(grants.mock.contexts).toEqual([first.protection.controller, second.protection.controller]);
    // Counted for the page: a pending protection connecting now has it too, with no event of its own.
    expect(connect({ consent: 'pending', noDetector: true }).protection.getFields()[FIELDS.eventToken]).toBe(
      token('p'),
    );
    expect(grants).toHaveBeenCalledTimes(2);
  });

  test('page-wide consent reaches a pending protection', () => {
    mount('<form></form>');
    connect({ consent: 'pending' });
    document.dispatchEvent(new Event(consent.CONSENT_EVENT));
    expect(scripts()).toHaveLength(1);
  });

  test('page-wide consent granted earlier counts for a protection that connects later', () => {
    document.dispatchEvent(new Event(consent.CONSENT_EVENT));
    mount('<form></form>');
    connect({ consent: 'pending' }).protection.disconnect();
    document.dispatchEvent(new Event(consent.CONSENT_EVENT));
    mount('<form></form>');
    connect({ consent: 'pending' });
    expect(scripts()).toHaveLength(1);
  });

  test('consent="yes" is reported once, not again each time another option changes', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    mount('<form></form>');
    const { protection: created, errors } = connect({ consent: 'yes', noDetector: true });
    created.configure({ consent: 'yes', noDetector: true, honeypot: true }, new Map([['honeypot', false]]));
    created.configure({ consent: 'yes', noDetector: true, startToken: 't' }, new Map([['startToken', '']]));
    expect(errors.map((event) => event.code)).toEqual(['CT_INVALID_OPTION']);
    expect(warn).toHaveBeenCalledOnce();
    created.configure({ consent: 'no', noDetector: true }, new Map([['consent', 'yes']]));
    expect(errors).toHaveLength(2);
  });

  test('an unknown consent value warns, fires ct-error and counts as pending', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    mount('<form></form>');
    const { errors } = connect({ consent: 'yes' });
    expect(scripts()).toHaveLength(0);
    expect(errors.map((event) => event.code)).toEqual(['CT_INVALID_OPTION']);
    expect(warn).toHaveBeenCalledOnce();
  });
});

describe('start token', () => {
  test('writes a server-rendered start token, and a changed one replaces it', () => {
    const form = mount('<form></form>');
    const { protection: created } = connect({ noDetector: true, startToken: 'rendered.1' });
    use(form);
    expect(value(form, FIELDS.startToken)).toBe('rendered.1');
    created.configure({ noDetector: true, startToken: 'rendered.2' });
    expect(value(form, FIELDS.startToken)).toBe('rendered.2');
  });

  test('fetches the start token from start-token-url on connect and writes it', async () => {
    const fetch = startTokens('fetched.1');
    const form = mount('<form></form>');
    const { protection: created } = connect({ noDetector: true, startTokenUrl: '/ct/start-token' });
    use(form);
    expect(created.pending).toBeDefined();
    await created.pending;
    expect(value(form, FIELDS.startToken)).toBe('fetched.1');
    expect(created.pending).toBeUndefined();
    expect(fetch).toHaveBeenCalledOnce();
    expect(fetch.mock.calls[0]).toEqual([new URL('/ct/start-token', location.href).href, expect.anything()]);
  });

  test('with a server-rendered token as well, fetches only when a new one is needed', async () => {
    const fetch = startTokens('fetched.1');
    const form = mount('<form></form>');
    const { protection: created } = connect({
      noDetector: true,
      startToken: 'rendered.1',
      startTokenUrl: '/ct/start-token',
    });
    use(form);
    expect(fetch).not.toHaveBeenCalled();
    created.reset();
    await created.pending;
    expect(value(form, FIELDS.startToken)).toBe('fetched.1');
  });

  test('a request that hangs is given up after START_TOKEN_TIMEOUT_MS: ct-error, and submits are held no more', async () => {
    vi.useFakeTimers();
    // The environment's AbortSignal.timeout() runs on a clock of its own: this one on the fake one.
    vi.spyOn(AbortSignal, 'timeout').mockImplementation((ms) => {
      const controller = new AbortController();
      setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), ms);
      return controller.signal;
    });
    const { START_TOKEN_TIMEOUT_MS } = await import('../src/start-token.js');
    // A fetch that never answers, as one to a stalled server; only aborting it ends it.
    const fetch = vi.fn(
      (_url: string, init?: RequestInit) =>
        new Promise<Response>((_, reject) =>
          init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)),
        ),
    );
    vi.stubGlobal('fetch', fetch);
    const form = mount('<form></form>');
    const { protection: created, errors } = connect({ noDetector: true, startTokenUrl: '/ct/start-token' });
    use(form);
    expect(created.pending).toBeDefined();
    await vi.advanceTimersByTimeAsync(START_TOKEN_TIMEOUT_MS - 1);
    expect(errors).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(errors.map((error) => error.code)).toEqual(['CT_START_TOKEN_FAILED']);
    expect(created.pending).toBeUndefined();
    expect(value(form, FIELDS.startToken)).toBe('');
  });

  test('reset() starts over: new start time, new proof, new start token', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    startTokens('fetched.1', 'fetched.2');
    const form = mount('<form></form>');
    const { protection: created } = connect({ noDetector: true, startTokenUrl: '/ct/start-token' });
    use(form);
    await created.pending;
    vi.setSystemTime(1_700_000_030_000);
    created.reset();
    expect(value(form, FIELDS.startToken)).toBe('');
    await created.pending;
    expect(value(form, FIELDS.startedAt)).toBe('1700000030000');
    expect(value(form, FIELDS.startedAt)).toBe('1700000030000');
    expect(value(form, FIELDS.startToken)).toBe('fetched.2');
  });

  test('a page restored from the back/forward cache starts over; a normal pageshow does not', async () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    const fetch = startTokens('fetched.1', 'fetched.2');
    const form = mount('<form></form>');
    const { protection: created } = connect({ noDetector: true, startTokenUrl: '/ct/start-token' });
    use(form);
    await created.pending;
    vi.setSystemTime(1_700_000_090_000);
    // happy-dom's PageTransitionEvent has no `persisted`: build the event a browser would fire.
    const pageshow = (persisted: boolean) => Object.assign(new Event('pageshow'), { persisted });
    window.dispatchEvent(pageshow(false));
    expect(fetch).toHaveBeenCalledOnce();
    window.dispatchEvent(pageshow(true));
    await created.pending;
    expect(value(form, FIELDS.startedAt)).toBe('1700000090000');
    expect(value(form, FIELDS.startToken)).toBe('fetched.2');
  });

  test('a failed request fires ct-error and leaves the field empty', async () => {
    startTokens();
    const form = mount('<form></form>');
    const { protection: created, errors } = connect({ noDetector: true, startTokenUrl: '/ct/start-token' });
    use(form);
    await created.pending;
    expect(errors.map((event) => event.code)).toEqual(['CT_START_TOKEN_FAILED']);
    expect(value(form, FIELDS.startToken)).toBe('');
  });

  test('an answer that arrives after a newer request started is ignored', async () => {
    let answerFirst!: (response: Response) => void;
    const fetch = vi
      .fn()
      .mockImplementationOnce(() => new Promise((resolve) => (answerFirst = resolve)))
      .mockImplementationOnce(async () => Response.json({ token: 'second' }));
    vi.stubGlobal('fetch', fetch);
    const form = mount('<form></form>');
    const { protection: created } = connect({ noDetector: true, startTokenUrl: '/ct/start-token' });
    use(form);
    created.reset();
    await created.pending;
    answerFirst(Response.json({ token: 'first' }));
    await flush();
    expect(value(form, FIELDS.startToken)).toBe('second');
  });

  test('a blank start-token-url (" ") warns and fetches nothing, instead of fetching the page itself', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const fetch = startTokens('x');
    mount('<form></form>');
    const { errors } = connect({ noDetector: true, startTokenUrl: ' ' });
    expect(fetch).not.toHaveBeenCalled();
    expect(errors.map((event) => event.code)).toEqual(['CT_INVALID_OPTION']);
  });

  test('an invalid start-token-url warns and fetches nothing', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const fetch = startTokens('x');
    mount('<form></form>');
    const { errors } = connect({ noDetector: true, startTokenUrl: 'ftp://example.com/token' });
    expect(fetch).not.toHaveBeenCalled();
    expect(errors.map((event) => event.code)).toEqual(['CT_INVALID_OPTION']);
  });
});

describe('fields for fetch()', () => {
  test('getFields answers fresh values, the submit time included', () => {
    vi.useFakeTimers({ now: 1_700_000_000_000, toFake: ['Date'] });
    storeToken(token('f'));
    mount('');
    const { protection: created } = connect({ noDetector: true, startToken: 'rendered' });
    vi.setSystemTime(1_700_000_012_000);
    expect(created.getFields()).toEqual({
      [FIELDS.eventToken]: token('f'),
      [FIELDS.startedAt]: '1700000000000',
      [FIELDS.submittedAt]: '1700000012000',
      [FIELDS.startToken]: 'rendered',
      [FIELDS.timeZone]: Intl.DateTimeFormat().resolvedOptions().timeZone,
      [FIELDS.tzOffset]: String(-new Date().getTimezoneOffset()),
      [FIELDS.pageUrl]: location.href,
      [FIELDS.referrer]: document.referrer,
      // A token is there: no fallback signals.
      [FIELDS.behaviour]: '',
      [FIELDS.lang]: document.documentElement.lang,
    });
  });

  test('appendTo sets the fields on FormData, URLSearchParams and plain objects, replacing old values', () => {
    mount('');
    const { protection: created } = connect({ noDetector: true });
    const data = new FormData();
    data.append(FIELDS.startedAt, 'stale');
    expect(created.appendTo(data).getAll(FIELDS.startedAt)).toEqual([String(created.startedAt)]);
    expect(created.appendTo(new URLSearchParams('a=1')).get(FIELDS.startedAt)).toBe(
      String(created.startedAt),
    );
    expect(created.appendTo({ comment: 'hi' })).toMatchObject({
      comment: 'hi',
      [FIELDS.pageUrl]: location.href,
    });
  });
});
