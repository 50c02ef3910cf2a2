import { BEHAVIOUR_MAX_POINTS, BEHAVIOUR_SAMPLE_MS, type BehaviourData } from '@ct-protected-form/fields';
import { documentMember, listen, unlisten } from './dom.js';
import { controlsOf } from './hidden-fields.js';

const seconds = () => Math.floor(Date.now() / 1000);
/** When this script ran: the page's set-up time, and the origin of the pointer track's times. */
const setUpAt = seconds();
const setUpTick = performance.now();
let pointAt = -BEHAVIOUR_SAMPLE_MS;
let recording = false;
let pressedAt = 0;
let flags = 0;
const track: BehaviourData['m'] = [];

/**
 * Starts recording what CleanTalk's WordPress plugin records when its bot detector is missing: the
 * first key or mouse-button press, a pointer track, whether the mouse moved, the page scrolled, a
 * form field was focused or typed in. Once per page, in memory only; call it only with consent.
 * Every listener is passive and removes itself once it has what it needs.
 */
export function recordBehaviour(): void {
  if (recording) return;
  recording = true;
  /** Listens until `handler` answers something truthy. */
  const on = <E extends Event>(type: string, handler: (event: E) => unknown, capture = true) => {
    const listener = (event: Event) => handler(event as E) && unlisten(document, type, listener, capture);
    listen(document, type, listener, { capture, passive: true });
  };
  on<MouseEvent>('mousemove', ({ clientX, clientY, timeStamp }) => {
    flags |= 1;
    const ms = timeStamp - setUpTick;
    // The first move is taken at once, then one point per BEHAVIOUR_SAMPLE_MS. The verifier rounds.
    if (ms - pointAt >= BEHAVIOUR_SAMPLE_MS) {
      pointAt = ms;
      track.push([clientY, clientX, ms]);
    }
    return track.length >= BEHAVIOUR_MAX_POINTS;
  });
  const press = () => (pressedAt ||= seconds());
  on('mousedown', press);
  on('keydown', press);
  // The document's own scroll, not a scrolling box inside it: no capture.
  on('scroll', () => (flags |= 2), false);
  // As the plugin: an input or a textarea of a form (the two with a `select()` method).
  const inField = (bit: number) => (event: Event) => {
    const { form, select } = event.target as HTMLInputElement;
    if (!form || !select) return;
    flags |= bit;
    return true;
  };
  on('keyup', inField(4));
  on('focusin', inField(8));
}

/**
 * The recorded signals as the `ct_behaviour` field's JSON ({@link BehaviourData}), with the page's
 * size read now and, given the submitted `form`, which of its named fields a person could see.
 */
export function readBehaviour(form?: HTMLFormElement): string {
  const { scrollWidth, scrollHeight, clientWidth, clientHeight } = documentMember('documentElement');
  const data: BehaviourData = {
    p: setUpAt,
    k: pressedAt,
    m: track,
    f: flags,
    w: navigator.webdriver ? 1 : 0,
    s: [
      scrollWidth,
      // The plugin's largest of six heights: in standards mode, the root's and the body's scroll heights.
      Math.max(scrollHeight, documentMember('body')?.scrollHeight ?? 0),
      clientWidth,
      clientHeight,
    ],
    v: [],
    i: [],
  };
  if (form) {
    for (const control of controlsOf(form) as Iterable<HTMLInputElement>) {
      const { name, type } = control;
      // As the plugin counts: named fields but buttons, radio buttons and checkboxes; ours and
      // CleanTalk's own (`ct_…`) left out.
      if (/^(ct_|$)/.test(name) || /^(submit|radio|checkbox)$/.test(type)) continue;
      const { display, visibility, opacity } = getComputedStyle(control);
      (type === 'hidden' || display === 'none' || visibility === 'hidden' || opacity === '0'
        ? data.i
        : data.v
      ).push(name);
    }
  }
  return JSON.stringify(data);
}
