// <ct-protected-form> from the npm build (dist/define.js), in a real browser, against real submissions.
import { DETECTOR_STORAGE_KEY, EVENT_TOKEN_LENGTH, FIELDS } from '@ct-protected-form/fields';
import '../../dist/define.js';
import {
  all,
  cleanUp,
  equal,
  frame,
  loadsOf,
  next,
  ok,
  one,
  serialised,
  sink,
  until,
  use,
} from './helpers.js';

const detector = (name, delay = 0) => `/detector/ct-bot-detector-wrapper.js?t=${name}&delay=${delay}`;

/** Renders one element around `forms` and waits for its first update. */
async function render(attributes, forms) {
  document.body.insertAdjacentHTML(
    'beforeend',
    `<ct-protected-form ${attributes}>${forms}</ct-protected-form>`,
  );
  const elements = document.querySelectorAll('ct-protected-form');
  const element = elements[elements.length - 1];
  await element.updateComplete;
  return element;
}

const COMMENT =
  '<form method="post" action="/echo" target="sink"><input name="comment" value="Hello"><button name="action" value="publish">Send</button></form>';

describe('<ct-protected-form> (npm build)', () => {
  afterEach(cleanUp);

  it('sends every field of the contract, once each, with a real form submission', async () => {
    const { received } = sink();
    const element = await render(`detector-src="${detector('submit')}"`, COMMENT);
    await element.ready;
    element.querySelector('button').click();
    const fields = await received();

    equal(one(fields, 'comment'), 'Hello');
    equal(one(fields, 'action'), 'publish');
    const token = one(fields, FIELDS.eventToken);
    equal(token.length, EVENT_TOKEN_LENGTH, 'token length');
    equal(token, JSON.parse(localStorage.getItem(DETECTOR_STORAGE_KEY)).value, 'token');
    const startedAt = one(fields, FIELDS.startedAt);
    ok(/^\d{13}$/.test(startedAt) && Number(startedAt) <= Date.now(), `start time ${startedAt}`);
    equal(all(fields, 'ct_js'), [], 'no client-computed checksum');
    ok(Number(one(fields, FIELDS.submittedAt)) >= Number(startedAt), 'submit time');
    equal(one(fields, FIELDS.timeZone), Intl.DateTimeFormat().resolvedOptions().timeZone);
    equal(one(fields, FIELDS.tzOffset), String(-new Date().getTimezoneOffset()));
    equal(one(fields, FIELDS.pageUrl), location.href);
    equal(one(fields, FIELDS.referrer), document.referrer);
    equal(one(fields, FIELDS.startToken), '');
    equal(all(fields, FIELDS.honeypot), []);
  });

  it('controls named like members of the form ("elements", "addEventListener"…) or a file input named ct_referrer break nothing', async () => {
    const { received } = sink();
    const element = await render(
      'no-detector start-token-url="/ct/start-token?delay=300"',
      `<form method="post" action="/echo" target="sink" enctype="multipart/form-data">
        <input name="elements" value="e"><input name="append" value="a"><input name="addEventListener" value="l">
        <input name="r" id="requestSubmit" value="r"><input type="file" name="${FIELDS.referrer}">
        <button name="go" value="1">Send</button></form>`,
    );
    const form = element.querySelector('form');
    ok(form.elements instanceof HTMLInputElement, 'the browser lets the input shadow form.elements');
    form.querySelector('input').focus();
    // Held while the start token is on its way, then submitted again with requestSubmit().
    form.querySelector('button').click();
    const fields = await received();
    equal(
      ['elements', 'append', 'addEventListener', 'r', 'go'].map((name) => one(fields, name)),
      ['e', 'a', 'l', 'r', '1'],
    );
    equal(all(fields, 'ct_js'), [], 'no client-computed checksum');
    ok(one(fields, FIELDS.startToken).startsWith('start-'), 'the start token');
    element.remove();
    equal(form.querySelectorAll('input[type="hidden"]').length, 0, 'disconnecting removes our inputs');
  });

  it('writes no field before the form is used, then all of them at the first focus', async () => {
    const element = await render('no-detector', COMMENT);
    const form = element.querySelector('form');
    await frame();
    equal(
      [...form.elements].map((control) => control.name),
      ['comment', 'action'],
    );
    use(form);
    equal(form.querySelectorAll(`input[name="${FIELDS.startedAt}"]`).length, 1);
    equal(form.querySelectorAll('input[name="ct_js"]').length, 0, 'no client-computed checksum');
    equal(form.elements[FIELDS.submittedAt], undefined, 'no submit time before the submit');
  });

  it("puts the fields in the form before the page's submit handler serialises form.elements", async () => {
    const { received } = sink();
    const element = await render('no-detector', COMMENT);
    const form = element.querySelector('form');
    let serialisedByPage;
    form.addEventListener('submit', () => {
      // What jQuery's serialize() and CMS AJAX plugins read.
      serialisedByPage = [...form.elements].filter((control) => control.name).map((control) => control.name);
    });
    form.querySelector('button').click();
    const fields = await received();
    for (const name of [FIELDS.timeZone, FIELDS.startedAt, FIELDS.submittedAt, FIELDS.eventToken]) {
      ok(serialisedByPage.includes(name), `${name} in form.elements at submit`);
      equal(all(fields, name).length, 1, name);
    }
  });

  it('form.submit(), which fires no submit event, still sends every field once', async () => {
    const { received } = sink();
    const element = await render('no-detector start-token="rendered.1"', COMMENT);
    const form = element.querySelector('form');
    form.submit();
    const fields = await received();
    equal(one(fields, FIELDS.startToken), 'rendered.1');
    equal(all(fields, 'ct_js'), [], 'no client-computed checksum');
    ok(Number(one(fields, FIELDS.submittedAt)) >= Number(one(fields, FIELDS.startedAt)), 'submit time');
    equal(one(fields, 'comment'), 'Hello');
  });

  it('protects forms added later, which the detector never saw, with its stored token', async () => {
    const { received } = sink();
    const element = await render(`detector-src="${detector('late')}"`, '');
    await element.ready;
    element.insertAdjacentHTML('beforeend', COMMENT);
    const form = element.querySelector('form');
    await until(() => serialised(form, FIELDS.eventToken)?.length, 'the late form to be protected');
    equal(form.querySelectorAll(`input[name="${FIELDS.eventToken}"]`).length, 0, 'token inputs before use');
    element.querySelector('button').click();
    equal(one(await received(), FIELDS.eventToken).length, EVENT_TOKEN_LENGTH);
  });

  it('protects several forms, each with one token input', async () => {
    const { received } = sink();
    const element = await render(`detector-src="${detector('several')}"`, COMMENT + COMMENT + COMMENT);
    await element.ready;
    for (const form of element.querySelectorAll('form')) {
      form.querySelector('button').click();
      equal(one(await received(), FIELDS.eventToken).length, EVENT_TOKEN_LENGTH);
      equal(form.querySelectorAll(`input[name="${FIELDS.eventToken}"]`).length, 1);
    }
  });

  it('sends one token when a detector appends its own input after ours', async () => {
    const { received } = sink();
    const element = await render('no-detector', COMMENT);
    const form = element.querySelector('form');
    const detectors = Object.assign(document.createElement('input'), {
      type: 'hidden',
      name: FIELDS.eventToken,
    });
    detectors.value = 'd'.repeat(EVENT_TOKEN_LENGTH);
    form.append(detectors);
    element.querySelector('button').click();
    equal(all(await received(), FIELDS.eventToken), ['d'.repeat(EVENT_TOKEN_LENGTH)]);
  });

  it('gives new FormData(form) fresh values and one token, without any submit event', async () => {
    const element = await render('no-detector', COMMENT);
    const form = element.querySelector('form');
    const detectors = Object.assign(document.createElement('input'), {
      type: 'hidden',
      name: FIELDS.eventToken,
    });
    detectors.value = 'd'.repeat(EVENT_TOKEN_LENGTH);
    form.append(detectors);
    const before = Date.now();
    const data = new FormData(form);
    equal(data.getAll(FIELDS.eventToken), ['d'.repeat(EVENT_TOKEN_LENGTH)]);
    ok(Number(data.get(FIELDS.submittedAt)) >= before, 'a submit time taken now');
    equal(form.querySelectorAll(`[name="${FIELDS.submittedAt}"]`).length, 0, 'no submit-time input yet');
  });

  it('loads the detector once for all elements of the page', async () => {
    const src = detector('once');
    const elements = [
      await render(`detector-src="${src}"`, COMMENT),
      await render(`detector-src="${src}"`, COMMENT),
    ];
    await Promise.all(elements.map((element) => element.ready));
    equal(await loadsOf(src), 1);
    equal(document.querySelectorAll('script[id="ct_bot_detector-js"]').length, 1);
  });

  it('does not load the detector again when a CMS plugin already put it on the page', async () => {
    const plugin = document.createElement('script');
    plugin.id = 'ct_bot_detector-js';
    plugin.src = detector('plugin');
    const loaded = next(plugin, 'load');
    document.head.append(plugin);
    await loaded;
    const element = await render(`detector-src="${detector('ours')}"`, COMMENT);
    await element.ready;
    equal(await loadsOf(detector('ours')), 0);
    equal(await loadsOf(detector('plugin')), 1);
    equal(serialised(element.querySelector('form'), FIELDS.eventToken).length, EVENT_TOKEN_LENGTH);
    plugin.remove();
  });

  it('when the detector fails to load, fires ct-error and the form still submits', async () => {
    const { received } = sink();
    document.body.addEventListener('ct-error', (event) =>
      document.body.setAttribute('data-error', event.code),
    );
    const element = await render('detector-src="/detector/missing.js"', COMMENT);
    await element.ready;
    equal(document.body.getAttribute('data-error'), 'CT_DETECTOR_FAILED');
    element.querySelector('button').click();
    const fields = await received();
    equal(one(fields, FIELDS.eventToken), '');
    equal(all(fields, 'ct_js'), [], 'no client-computed checksum');
  });

  it('protects the form of an element inside a shadow root, where submit and formdata stay', async () => {
    const { received } = sink();
    const host = document.body.appendChild(document.createElement('div'));
    host.attachShadow({
      mode: 'open',
    }).innerHTML = `<ct-protected-form no-detector start-token="in-shadow">${COMMENT}</ct-protected-form>`;
    const element = host.shadowRoot.querySelector('ct-protected-form');
    await element.updateComplete;
    equal(serialised(element.querySelector('form'), FIELDS.startToken), 'in-shadow', 'formdata');
    element.querySelector('button').click();
    const fields = await received();
    equal(one(fields, FIELDS.startToken), 'in-shadow');
    equal(one(fields, 'action'), 'publish');
  });

  it('with consent pending, loads and reads nothing third-party until consent is granted', async () => {
    localStorage.setItem(DETECTOR_STORAGE_KEY, JSON.stringify({ value: 'c'.repeat(EVENT_TOKEN_LENGTH) }));
    const getItem = Storage.prototype.getItem;
    let reads = 0;
    Storage.prototype.getItem = function (key) {
      reads += 1;
      return getItem.call(this, key);
    };
    try {
      const { received } = sink();
      const src = detector('consent');
      const element = await render(`consent="pending" detector-src="${src}"`, COMMENT);
      await element.ready;
      element.querySelector('button').click();
      equal(one(await received(), FIELDS.eventToken), '', 'token before consent');
      equal(await loadsOf(src), 0, 'detector loads before consent');
      equal(reads, 0, 'storage reads before consent');

      document.dispatchEvent(new Event('ct-consent-granted'));
      await until(async () => (await loadsOf(src)) === 1, 'the detector to load');
      await until(() => element.querySelector('form').elements[FIELDS.eventToken]?.value, 'a token');
    } finally {
      Storage.prototype.getItem = getItem;
    }
  });

  it('keeps the clicked button when a submit waits for the start token', async () => {
    const { received } = sink();
    const element = await render('no-detector start-token-url="/ct/start-token?delay=300"', COMMENT);
    let submits = 0;
    element.addEventListener('submit', () => (submits += 1));
    element.querySelector('button').click();
    const fields = await received();
    equal(one(fields, 'action'), 'publish');
    ok(/^start-\d+$/.test(one(fields, FIELDS.startToken)), 'a fetched start token');
    equal(submits, 1, "submits seen by the page's own handler");
  });

  it('a double click while the start token is on its way submits once, as the page guards it', async () => {
    const element = await render('no-detector start-token-url="/ct/start-token?delay=300"', COMMENT);
    const form = element.querySelector('form');
    const button = form.querySelector('button');
    const sent = [];
    // An AJAX form guarding against double submission the common way: its submit handler
    // disables the button. During the hold that handler has not run yet, so the button still works.
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      button.disabled = true;
      sent.push(new FormData(form, event.submitter).get(FIELDS.startToken));
    });
    button.click();
    button.click();
    button.click();
    await until(() => sent.length, 'the held submit');
    await new Promise((resolve) => setTimeout(resolve, 100));
    equal(sent.length, 1, 'submits seen by the page');
    ok(/^start-\d+$/.test(sent[0]), 'the one submit carries the fetched start token');
  });

  it('never loses a submission when the start token does not come', async () => {
    const { received } = sink();
    const element = await render('no-detector start-token-url="/ct/start-token?delay=3000"', COMMENT);
    element.querySelector('button').click();
    const fields = await received();
    equal(one(fields, 'action'), 'publish');
    equal(one(fields, FIELDS.startToken), '');
  });

  it('sends a server-rendered start token, and fetches a new one after a bfcache restore', async () => {
    const { received } = sink();
    const element = await render(
      'no-detector start-token="rendered.1" start-token-url="/ct/start-token"',
      COMMENT,
    );
    const form = use(element.querySelector('form'));
    equal(form.elements[FIELDS.startToken].value, 'rendered.1');
    const startedAt = form.elements[FIELDS.startedAt].value;
    await new Promise((resolve) => setTimeout(resolve, 5));
    window.dispatchEvent(new PageTransitionEvent('pageshow', { persisted: true }));
    await until(() => /^start-/.test(form.elements[FIELDS.startToken].value), 'a fresh start token');
    ok(form.elements[FIELDS.startedAt].value > startedAt, 'a new start time');
    element.querySelector('button').click();
    const fields = await received();
    equal(one(fields, FIELDS.startToken), form.elements[FIELDS.startToken].value);
  });

  it('adds an empty honeypot that takes no room, is off-screen and out of the tab order', async () => {
    const { received } = sink();
    document.body.insertAdjacentHTML('beforeend', `<div id="twin">${COMMENT}</div>`);
    const element = await render('no-detector honeypot', COMMENT);
    const honeypot = element.querySelector(`input[name="${FIELDS.honeypot}"]`);
    equal(honeypot.tabIndex, -1);
    ok(honeypot.getBoundingClientRect().right <= 0, 'off-screen');
    ok(honeypot.getBoundingClientRect().bottom <= 0, 'above the viewport');
    ok(getComputedStyle(honeypot).display !== 'none', 'not display:none');
    const twin = document.querySelector('#twin form').getBoundingClientRect();
    const ours = element.querySelector('form').getBoundingClientRect();
    equal([ours.width, ours.height], [twin.width, twin.height], 'form size');
    element.querySelector('button').click();
    equal(one(await received(), FIELDS.honeypot), '');
  });

  it('takes display: contents and leaves the layout as it was, unless its author set a display', async () => {
    document.head.insertAdjacentHTML(
      'beforeend',
      '<style id="s">ct-protected-form.flex { display: flex }</style>',
    );
    document.body.insertAdjacentHTML('beforeend', `<div id="twin">${COMMENT}</div>`);
    const plain = await render('no-detector', COMMENT);
    const flex = await render('no-detector class="flex"', COMMENT);
    const inline = await render('no-detector style="display: block"', COMMENT);
    await frame();
    equal(getComputedStyle(plain).display, 'contents');
    equal(getComputedStyle(flex).display, 'flex');
    equal(inline.style.display, 'block');
    const twin = document.querySelector('#twin form').getBoundingClientRect();
    const ours = plain.querySelector('form').getBoundingClientRect();
    equal([ours.left, ours.width, ours.height], [twin.left, twin.width, twin.height]);
    document.getElementById('s').remove();
  });

  it('sends one set of fields after being moved around the page', async () => {
    const { received } = sink();
    const element = await render('no-detector honeypot', COMMENT);
    const main = document.body.appendChild(document.createElement('main'));
    main.append(element);
    document.body.append(element);
    await new Promise((resolve) => setTimeout(resolve));
    element.querySelector('button').click();
    const fields = await received();
    const names = fields.map(([name]) => name);
    equal(names.length, new Set(names).size, `duplicates in ${names}`);
    ok(names.includes(FIELDS.startedAt) && names.includes(FIELDS.honeypot), 'fields present');
  });

  it('gives fetch() submits fresh fields through getFields() and appendTo()', async () => {
    const element = await render('no-detector start-token-url="/ct/start-token"', COMMENT);
    await until(() => element.getFields()[FIELDS.startToken], 'the start token');
    const body = element.appendTo(new FormData(element.querySelector('form')));
    const response = await fetch('/echo', { method: 'POST', body });
    const fields = await response.json();
    equal(one(fields, 'comment'), 'Hello');
    equal(one(fields, FIELDS.startToken), element.getFields()[FIELDS.startToken]);
    const before = element.getFields()[FIELDS.startToken];
    element.reset();
    await until(
      () => element.getFields()[FIELDS.startToken] && element.getFields()[FIELDS.startToken] !== before,
    );
  });
});
