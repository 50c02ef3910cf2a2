import {
  BEHAVIOUR_MAX_POINTS,
  type BehaviourData,
  DETECTOR_STORAGE_KEY,
  FIELDS,
} from '@ct-protected-form/fields';
import { afterEach, beforeEach, describe, expect, onTestFinished, test, vi } from 'vitest';
import type { ProtectionOptions } from '../src/options.js';
import { drive, mount, serialise, token, use, value } from './helpers.js';

// What was recorded lives as long as the module (once per page): fresh modules per test.
let behaviour: typeof import('../src/behaviour.js');
let protection: typeof import('../src/protection-controller.js');
beforeEach(async () => {
  vi.resetModules();
  behaviour = await import('../src/behaviour.js');
  protection = await import('../src/protection-controller.js');
});

const created: Array<{ disconnect(): void }> = [];
afterEach(() => {
  for (const each of created.splice(0)) each.disconnect();
  document.documentElement.removeAttribute('lang');
});

const read = (form?: HTMLFormElement): BehaviourData => JSON.parse(behaviour.readBehaviour(form));

/** Dispatches a `type` event on `target` whose `timeStamp` is `at`. */
function fire(target: EventTarget, type: string, init: MouseEventInit = {}, at = performance.now()) {
  const event = new MouseEvent(type, { bubbles: true, ...init });
  Object.defineProperty(event, 'timeStamp', { value: at });
  target.dispatchEvent(event);
}

/**
 * The calls of EventTarget's `method` made on `document`, from now on. Spied on the prototype: the
 * widget calls it there, where an element of the page named "addEventListener" cannot shadow it.
 */
function documentCalls(method: 'addEventListener' | 'removeEventListener') {
  const spy = vi.spyOn(EventTarget.prototype, method);
  return () => spy.mock.calls.filter((_, i) => spy.mock.contexts[i] === document);
}
describe('recording', () => {
  test('records nothing before it is started', () => {
    fire(document, 'mousemove', { clientX: 5, clientY: 9 });
    fire(document, 'keydown');
    expect(read()).toMatchObject({ k: 0, m: [], f: 0 });
  });

  test('keeps pointer points Y first, at most one per 150 ms, and stops listening after 50', () => {
    const removed = documentCalls('removeEventListener');
    behaviour.recordBehaviour();
    const start = performance.now();
    fire(document, 'mousemove', { clientX: 10, clientY: 20 }, start + 1000);
    fire(document, 'mousemove', { clientX: 11, clientY: 21 }, start + 1100);
    // 160 ms, not exactly 150: event times are fractional, and a difference of two of them may
    // come out a hair under 150.
    fire(document, 'mousemove', { clientX: 12, clientY: 22 }, start + 1160);
    const [first, second, ...rest] = read().m;
    expect(first?.slice(0, 2)).toEqual([20, 10]);
    expect(second?.slice(0, 2)).toEqual([22, 12]);
    expect(rest).toEqual([]);
    expect((second?.[2] ?? 0) - (first?.[2] ?? 0)).toBeCloseTo(160);
    for (let i = 0; i < 60; i++)
      fire(document, 'mousemove', { clientX: i, clientY: i }, start + 2000 + i * 160);
    expect(read().m).toHaveLength(BEHAVIOUR_MAX_POINTS);
    expect(removed().map(([type]) => type)).toEqual(['mousemove']);
    expect(read().f & 1).toBe(1);
  });

  test('listens passively', () => {
    const added = documentCalls('addEventListener');
    behaviour.recordBehaviour();
    behaviour.recordBehaviour();
    expect(added().map(([type, , options]) => [type, (options as AddEventListenerOptions).passive])).toEqual(
      ['mousemove', 'mousedown', 'keydown', 'scroll', 'keyup', 'focusin'].map((type) => [type, true]),
    );
  });

  test('takes the first key or mouse-button press, in unix seconds', () => {
    vi.useFakeTimers({ now: 1_754_490_219_400, toFake: ['Date'] });
    behaviour.recordBehaviour();
    fire(document.body, 'mousedown');
    vi.setSystemTime(1_754_490_300_000);
    document.body.dispatchEvent(new KeyboardEvent('keydown', { bubbles: true }));
    expect(read().k).toBe(1_754_490_219);
  });

  test('sets the scroll, key-up and focus flags, the last two only for text fields of a form', () => {
    mount('<form><input name="a"><button name="b">Go</button></form><input id="outside">');
    behaviour.recordBehaviour();
    const outside = document.getElementById('outside') as HTMLInputElement;
    outside.dispatchEvent(new KeyboardEvent('keyup', { bubbles: true }));
    outside.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    (document.querySelector('button') as HTMLElement).dispatchEvent(
      new FocusEvent('focusin', { bubbles: true }),
    );
    expect(read().f).toBe(0);
    document.dispatchEvent(new Event('scroll'));
    expect(read().f).toBe(2);
    const field = document.querySelector('input[name="a"]') as HTMLInputElement;
    field.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    expect(read().f).toBe(2 | 8);
    field.dispatchEvent(new KeyboardEvent('keyup', { bubbles: true }));
    expect(read().f).toBe(2 | 8 | 4);
  });
});

describe('reading', () => {
  test('answers the page set-up time, webdriver flag and page size', () => {
    const data = read();
    expect(data.p).toBe(Math.floor(Date.now() / 1000));
    expect(data.w).toBe(navigator.webdriver ? 1 : 0);
    expect(data.s).toHaveLength(4);
    for (const size of data.s) expect(Number.isInteger(size) && size >= 0).toBe(true);
  });

  test('reads a page without a body, as a script in the head may ask', () => {
    const body = document.body;
    body.remove();
    try {
      expect(read().s).toHaveLength(4);
    } finally {
      document.documentElement.append(body);
    }
  });

  test('lists which named fields of the form a person could see, as the plugin counts them', () => {
    const form = mount(`<form>
      <input name="author"><textarea name="comment"></textarea><select name="topic"></select>
      <input type="hidden" name="post_id"><input name="gone" style="display:none">
      <input name="ghost" style="visibility:hidden"><input name="clear" style="opacity:0">
      <input type="radio" name="r"><input type="checkbox" name="c"><input type="submit" name="send">
      <input name="ct_hp"><input name="ct_checkjs"><input></form>`);
    const data = read(form);
    expect(data.v).toEqual(['author', 'comment', 'topic']);
    expect(data.i).toEqual(['post_id', 'gone', 'ghost', 'clear']);
    expect(read()).toMatchObject({ v: [], i: [] });
  });
});

describe('in a protection', () => {
  /** A connected protection over the page's forms. */
  function connect(options: ProtectionOptions = {}) {
    const made = drive(protection.ProtectionController);
    created.push(made);
    made.connect({ noDetector: true, ...options });
    return made;
  }
  const sent = (form: HTMLFormElement) => serialise(form).get(FIELDS.behaviour);

  test('without an event token, a submitted form carries the signals and its visible fields', () => {
    const form = mount('<form><input name="author"><input type="hidden" name="id"></form>');
    connect();
    fire(document, 'mousemove', { clientX: 3, clientY: 4 });
    const data = JSON.parse(String(sent(form))) as BehaviourData;
    expect(data).toMatchObject({ f: 1, v: ['author'], i: ['id'] });
    expect(data.m[0]?.slice(0, 2)).toEqual([4, 3]);
  });

  test('with an event token, sends none of them, unless behaviour="always"', () => {
    localStorage.setItem(DETECTOR_STORAGE_KEY, JSON.stringify({ value: token() }));
    const form = mount('<form><input name="author"></form>');
    const made = connect();
    expect(sent(form)).toBe('');
    made.configure({ noDetector: true, behaviour: 'always' });
    expect(JSON.parse(String(sent(form)))).toMatchObject({ v: ['author'] });
    localStorage.clear();
  });

  test('an unknown behaviour value warns once, fires ct-error and works as "fallback"', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const errors: string[] = [];
    const record = (event: Event) => errors.push((event as Event & { code: string }).code);
    document.addEventListener('ct-error', record);
    onTestFinished(() => document.removeEventListener('ct-error', record));
    const form = mount('<form><input name="author"></form>');
    const made = drive(protection.ProtectionController);
    created.push(made);
    made.connect({ noDetector: true, behaviour: 'sometimes' });
    made.configure(
      { noDetector: true, behaviour: 'sometimes', honeypot: true },
      new Map([['honeypot', false]]),
    );
    expect(errors).toEqual(['CT_INVALID_OPTION']);
    expect(JSON.parse(String(sent(form)))).toMatchObject({ v: ['author'] });
  });

  test('behaviour="off" records and sends nothing', () => {
    const added = documentCalls('addEventListener');
    const form = mount('<form><input name="author"></form>');
    connect({ behaviour: 'off' });
    expect(sent(form)).toBe('');
    expect(added().map(([type]) => type)).not.toContain('mousemove');
  });

  test('without consent, records nothing and sends nothing; once granted, both', () => {
    const added = documentCalls('addEventListener');
    const form = mount('<form><input name="author"></form>');
    const made = connect({ consent: 'pending' });
    fire(document, 'mousedown');
    expect(sent(form)).toBe('');
    expect(added().map(([type]) => type)).not.toContain('mousedown');
    made.grantConsent();
    expect(added().map(([type]) => type)).toContain('mousedown');
    expect(JSON.parse(String(sent(form)))).toMatchObject({ k: 0, v: ['author'] });
  });

  test('a submit writes the signals into the form, with the page language beside them', () => {
    document.documentElement.lang = 'de-AT';
    const form = mount('<form><input name="author"></form>');
    form.addEventListener('submit', (event) => event.preventDefault());
    connect();
    use(form);
    form.requestSubmit();
    expect(JSON.parse(value(form, FIELDS.behaviour))).toMatchObject({ v: ['author'] });
    expect(value(form, FIELDS.lang)).toBe('de-AT');
  });

  test('the element answers them for a fetch() body, with the visible fields of the form given', async () => {
    await import('../src/define.js');
    document.body.innerHTML =
      '<ct-protected-form no-detector><form><input name="author"></form></ct-protected-form>';
    const element = document.querySelector(
      'ct-protected-form',
    ) as import('../src/protected-form-element.js').ProtectedFormElement;
    await element.updateComplete;
    const form = element.querySelector('form') as HTMLFormElement;
    expect(JSON.parse(element.getFields(form)[FIELDS.behaviour] as string)).toMatchObject({ v: ['author'] });
    expect(JSON.parse(element.getFields()[FIELDS.behaviour] as string)).toMatchObject({ v: [] });
    element.remove();
  });
});
