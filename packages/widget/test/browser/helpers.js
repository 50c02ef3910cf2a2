// Small helpers for the browser suites: assertions, a submission sink, and the test server's counters.

/** Throws when `condition` is falsy. */
export function ok(condition, message = 'expected a truthy value') {
  if (!condition) throw new Error(message);
}

/** Deep equality through JSON, which is all these tests compare. */
export function equal(actual, expected, message = '') {
  const [a, b] = [JSON.stringify(actual), JSON.stringify(expected)];
  if (a !== b) throw new Error(`${message}${message ? ': ' : ''}expected ${b}, got ${a}`);
}

/** Resolves once `predicate()` is truthy (checked every 20 ms), failing after `timeout` ms. */
export async function until(predicate, message = 'condition', timeout = 4000) {
  const deadline = Date.now() + timeout;
  for (;;) {
    const result = await predicate();
    if (result) return result;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Resolves with the next event of `type` on `target`. */
export const next = (target, type) =>
  new Promise((resolve) => target.addEventListener(type, resolve, { once: true }));

/** An iframe for forms to submit into (`target="sink"`); `received()` answers what the echo endpoint got. */
export function sink() {
  const frame = document.createElement('iframe');
  frame.name = 'sink';
  document.body.append(frame);
  const loaded = () => next(frame, 'load');
  let arrival = loaded();
  return {
    frame,
    /** The fields of the next submission, as [name, value] pairs in order. */
    async received() {
      await arrival;
      arrival = loaded();
      return JSON.parse(frame.contentDocument.body.textContent);
    },
  };
}

/** All values of `name` among submitted [name, value] pairs. */
export const all = (pairs, name) => pairs.filter(([key]) => key === name).map(([, value]) => value);

/** The single value of `name`; throws unless there is exactly one. */
export function one(pairs, name) {
  const found = all(pairs, name);
  if (found.length !== 1) throw new Error(`expected one ${name}, got ${JSON.stringify(found)}`);
  return found[0];
}

/** The value of `name` in `new FormData(form)`, made in the form's own window; null when absent. */
export const serialised = (form, name) => new form.ownerDocument.defaultView.FormData(form).get(name);

/** The visitor starts using the form: focus moves into its first control. */
export function use(form) {
  form.elements[0]?.focus();
  return form;
}

/** Resolves after the next animation frame. */
export const frame = () => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve)));

/** How often the test server served `url` (path and query). */
export async function loadsOf(url) {
  const loads = await (await fetch('/__loads')).json();
  return loads[url] ?? 0;
}

/** Opens `html` as a page of its own in a new iframe and resolves once it has loaded. */
export async function page(html) {
  const frame = document.createElement('iframe');
  frame.src = `/page?html=${encodeURIComponent(html)}`;
  const loaded = next(frame, 'load');
  document.body.append(frame);
  await loaded;
  return frame;
}

/** Removes what a test left: elements, detector tags, the detector's storage entry. */
export function cleanUp() {
  document.body.replaceChildren();
  for (const script of document.querySelectorAll('script[id="ct_bot_detector-js"]')) script.remove();
  localStorage.clear();
}
