// The script-tag build, dist/ct-protected-form.min.js, in auto mode on plain CMS markup: each test
// opens a page of its own in an iframe, as a visitor would, and submits it for real.
import { EVENT_TOKEN_LENGTH, FIELDS } from '@ct-protected-form/fields';
import { all, cleanUp, equal, loadsOf, next, ok, one, page, serialised, until, use } from './helpers.js';

const detector = (name) => `/detector/ct-bot-detector-wrapper.js?t=${name}`;

/** A WordPress post page: a search form (GET) and the comment form (POST), as WordPress renders them. */
const wordpress = ({ head = '', script }) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Hello world!</title>${head}</head>
<body class="post-template-default single single-post">
<form role="search" method="get" class="search-form" action="/search"><input type="search" class="search-field" name="s"></form>
<div id="respond" class="comment-respond">
<form action="/echo" method="post" id="commentform" class="comment-form" novalidate>
<p class="comment-form-comment"><label for="comment">Comment</label><textarea id="comment" name="comment" cols="45" rows="8" maxlength="65525" required></textarea></p>
<p class="comment-form-author"><label for="author">Name</label><input id="author" name="author" type="text" size="30" maxlength="245" autocomplete="name" required></p>
<p class="comment-form-email"><label for="email">Email</label><input id="email" name="email" type="email" size="30" maxlength="100" autocomplete="email" required></p>
<p class="comment-form-url"><label for="url">Website</label><input id="url" name="url" type="url" size="30" maxlength="200" autocomplete="url"></p>
<p class="form-submit"><input name="submit" type="submit" id="submit" class="submit" value="Post Comment"> <input type="hidden" name="comment_post_ID" value="1" id="comment_post_ID"><input type="hidden" name="comment_parent" id="comment_parent" value="0"></p>
</form></div>
${script}
</body></html>`;

const tag = (attributes) => `<script src="/dist/ct-protected-form.min.js" ${attributes} defer></script>`;

/** Fills in the comment form of `frame` like a visitor, submits it, and answers what the server got. */
async function comment(frame) {
  const doc = frame.contentDocument;
  const values = {
    comment: 'Nice post!',
    author: 'Ada',
    email: 'ada@example.com',
    url: 'https://ada.example',
  };
  for (const [id, value] of Object.entries(values)) doc.getElementById(id).value = value;
  const arrived = next(frame, 'load');
  doc.getElementById('submit').click();
  await arrived;
  return JSON.parse(frame.contentDocument.body.textContent);
}

const comments = (frame) => frame.contentDocument.getElementById('commentform');

describe('script-tag build, auto mode on a WordPress page', () => {
  afterEach(cleanUp);

  it('protects the comment form without touching its markup, and sends every field', async () => {
    const frame = await page(wordpress({ script: tag(`data-auto data-detector-src="${detector('wp')}"`) }));
    const form = comments(frame);
    await until(() => form.elements[FIELDS.eventToken]?.value, 'the detector token');
    equal(form.parentElement.id, 'respond');
    equal(frame.contentDocument.querySelector('ct-protected-form'), null);
    const search = frame.contentDocument.querySelector('.search-form');
    equal(search.elements[FIELDS.startedAt], undefined, 'the GET search form is left alone');
    equal(serialised(search, FIELDS.startedAt), null, 'nor serialised with fields');
    equal(form.elements[FIELDS.startedAt], undefined, 'no field of ours before the form is used');

    const url = frame.contentWindow.location.href;
    const fields = await comment(frame);
    equal(
      ['comment', 'author', 'email', 'url', 'submit', 'comment_post_ID'].map((name) => one(fields, name)),
      ['Nice post!', 'Ada', 'ada@example.com', 'https://ada.example', 'Post Comment', '1'],
    );
    equal(one(fields, FIELDS.eventToken).length, EVENT_TOKEN_LENGTH);
    equal(all(fields, 'ct_js'), [], 'no client-computed checksum');
    equal(one(fields, FIELDS.pageUrl), url);
    equal(one(fields, FIELDS.referrer), location.href);
    ok(Number(one(fields, FIELDS.submittedAt)) >= Number(one(fields, FIELDS.startedAt)), 'submit time');
    equal(await loadsOf(detector('wp')), 1);
  });

  it('is one file: data-start-token-url fetches a start token with code already inside', async () => {
    const source = await (await fetch('/dist/ct-protected-form.min.js')).text();
    ok(!source.includes('import('), 'no dynamic import left in the script-tag build');
    const frame = await page(
      wordpress({ script: tag('data-auto data-no-detector data-start-token-url="/ct/start-token"') }),
    );
    const fields = await comment(frame);
    ok(/^start-\d+$/.test(one(fields, FIELDS.startToken)), 'a fetched start token');
  });

  it('works from <head>, loaded before the markup it protects', async () => {
    const head = `<script src="/dist/ct-protected-form.min.js" data-auto data-detector-src="${detector('head')}"></script>`;
    const frame = await page(wordpress({ head, script: '' }));
    await until(() => comments(frame).elements[FIELDS.eventToken]?.value, 'the token');
    const fields = await comment(frame);
    equal(one(fields, 'author'), 'Ada');
    equal(all(fields, 'ct_js'), [], 'no client-computed checksum');
  });

  it('finds its data-* options when loaded async or injected by another script, as tag managers do', async () => {
    const inject = `<script>const script = document.createElement('script');
      script.src = '/dist/ct-protected-form.min.js';
      Object.assign(script.dataset, { auto: '', noDetector: '', honeypot: '' });
      document.head.append(script);</script>`;
    const asynchronous =
      '<script src="/dist/ct-protected-form.min.js" data-auto data-no-detector data-honeypot async></script>';
    for (const script of [inject, asynchronous]) {
      const frame = await page(wordpress({ script }));
      await until(() => comments(frame).elements[FIELDS.honeypot], 'the honeypot of data-honeypot');
      const fields = await comment(frame);
      equal(one(fields, 'author'), 'Ada');
      equal(one(fields, FIELDS.honeypot), '');
      ok(one(fields, FIELDS.startedAt), 'the start time');
    }
  });

  it('a page including the script twice still protects each wrapped form once', async () => {
    const wrapped = (id) =>
      `<ct-protected-form no-detector honeypot><form id="${id}" method="post" action="/echo"></form></ct-protected-form>`;
    const frame = await page(
      `<!doctype html><head><script src="/dist/ct-protected-form.min.js"></script></head><body>${wrapped('before')}<script src="/dist/ct-protected-form.min.js?again"></script>${wrapped('after')}</body>`,
    );
    for (const id of ['before', 'after']) {
      const form = frame.contentDocument.getElementById(id);
      await until(() => form.elements[FIELDS.honeypot], `#${id} protected`);
      form.dispatchEvent(new frame.contentWindow.FocusEvent('focusin', { bubbles: true }));
    }
    equal(frame.contentDocument.querySelectorAll(`[name="${FIELDS.startedAt}"]`).length, 2);
    equal(frame.contentDocument.querySelectorAll(`[name="${FIELDS.honeypot}"]`).length, 2);
  });

  it('protects a POST form whose controls shadow its getAttribute, matches and closest', async () => {
    const frame = await page(`<!doctype html><form method="post" action="/echo">
      <input name="getAttribute" value="g"><input name="matches" value="m"><input name="closest" value="c">
      <button id="go">Send</button></form>${tag('data-auto data-no-detector')}`);
    const doc = frame.contentDocument;
    ok(typeof doc.forms[0].getAttribute !== 'function', 'the browser lets the input shadow getAttribute');
    const arrived = next(frame, 'load');
    doc.getElementById('go').click();
    await arrived;
    const fields = JSON.parse(frame.contentDocument.body.textContent);
    equal(
      ['getAttribute', 'matches', 'closest'].map((name) => one(fields, name)),
      ['g', 'm', 'c'],
    );
    equal(all(fields, 'ct_js'), [], 'no client-computed checksum');
  });

  it('protects the forms of a page where a form named "forms" shadows document.forms', async () => {
    const frame = await page(`<!doctype html><form name="forms" method="post" action="/echo">
      <input name="q" value="x"><button id="go">Send</button></form>
      <form name="querySelectorAll" method="post" action="/echo"></form>${tag('data-auto data-no-detector')}`);
    const doc = frame.contentDocument;
    ok(
      !(doc.forms instanceof frame.contentWindow.HTMLCollection),
      'the browser lets the form shadow document.forms',
    );
    const arrived = next(frame, 'load');
    doc.getElementById('go').click();
    await arrived;
    const fields = JSON.parse(frame.contentDocument.body.textContent);
    equal(one(fields, 'q'), 'x');
    equal(all(fields, 'ct_js'), [], 'no client-computed checksum');
  });

  it('works on a page whose named images shadow document.referrer, createElement, addEventListener and the rest', async () => {
    // HTML lets an image named "referrer" stand in for document.referrer (window's own members stay).
    const shadowed = [
      'referrer',
      'documentElement',
      'body',
      'head',
      'baseURI',
      'currentScript',
      'querySelector',
      'querySelectorAll',
      'getElementsByName',
      'createElement',
      'createDocumentFragment',
      'adoptedStyleSheets',
      'getRootNode',
      'addEventListener',
      'removeEventListener',
      'dispatchEvent',
    ];
    const src = detector('named-images');
    // The page hears auto mode's ct-ready through the prototype too.
    const listen = `EventTarget.prototype.addEventListener.call(document, 'ct-ready', (event) => { window.heard = event.hasToken; })`;
    const frame = await page(`<!doctype html><html lang="fr"><head><meta charset="utf-8"></head><body>
      ${shadowed.map((name) => `<img name="${name}" alt="">`).join('')}<script>${listen}</script>
      <ct-protected-form no-detector><form method="post" action="/echo"><input name="wrapped"></form></ct-protected-form>
      <form method="post" action="/echo"><input name="q" value="x"><button id="go">Send</button></form>
      ${tag(`data-auto data-detector-src="${src}"`)}</body></html>`);
    const win = frame.contentWindow;
    const doc = frame.contentDocument;
    ok(doc.referrer instanceof win.HTMLImageElement, 'the browser lets an image shadow document.referrer');
    await until(() => win.heard !== undefined, 'ct-ready on the document');
    equal(win.heard, true, 'the detector loaded and its token was read');
    equal(await loadsOf(src), 1);
    const wrapped = Reflect.get(win.Document.prototype, 'forms', doc)[0];
    wrapped.elements.wrapped.focus();
    ok(wrapped.elements[FIELDS.startedAt], 'the element protects its form');
    const referrer = Reflect.get(win.Document.prototype, 'referrer', doc);
    const arrived = next(frame, 'load');
    doc.getElementById('go').click();
    await arrived;
    const fields = JSON.parse(frame.contentDocument.body.textContent);
    equal(one(fields, 'q'), 'x');
    equal(one(fields, FIELDS.referrer), referrer);
    ok(one(fields, FIELDS.referrer).startsWith('http'), 'a URL as the referrer');
    equal(one(fields, FIELDS.lang), 'fr');
    equal(one(fields, FIELDS.eventToken).length, EVENT_TOKEN_LENGTH);
  });

  it('protects forms the page adds later, like a contact form in a popup', async () => {
    const frame = await page(
      wordpress({ script: tag(`data-auto data-detector-src="${detector('popup')}"`) }),
    );
    const doc = frame.contentDocument;
    doc.body.insertAdjacentHTML(
      'beforeend',
      '<div class="popup"><form method="POST" action="/echo"><input name="message"></form></div>',
    );
    const popup = doc.querySelector('.popup form');
    await until(() => serialised(popup, FIELDS.eventToken), 'the late form to carry the token');
    use(popup);
    equal(popup.elements[FIELDS.eventToken].value.length, EVENT_TOKEN_LENGTH);
    ok(popup.elements[FIELDS.startedAt].value, 'start time');
  });

  it('data-auto="<selector>" and data-honeypot: only the chosen forms, with a honeypot', async () => {
    const script = tag(`data-auto="#commentform" data-honeypot data-detector-src="${detector('selector')}"`);
    const frame = await page(wordpress({ script }));
    const doc = frame.contentDocument;
    doc.body.insertAdjacentHTML('beforeend', '<form id="other" method="post" action="/echo"></form>');
    await until(() => comments(frame).elements[FIELDS.honeypot], 'the honeypot');
    equal(doc.getElementById('other').elements.length, 0);
    equal(one(await comment(frame), FIELDS.honeypot), '');
  });

  it("keeps the honeypot out of sight and adds no scrolling, whatever the form's and the page's direction", async () => {
    // An Arabic or Hebrew form on an English page, and an English form on an Arabic page; each
    // form far down a long page, inside a positioned box, or a transformed one (which a fixed box
    // is placed in, as an absolute one is in a positioned box).
    for (const [page_, form, box] of [
      ['ltr', 'rtl', 'position:relative'],
      ['rtl', 'ltr', 'position:relative'],
      ['ltr', 'ltr', 'position:relative'],
      ['ltr', 'ltr', 'transform:translateZ(0)'],
      ['rtl', 'rtl', 'transform:translateZ(0)'],
    ]) {
      const frame = await page(`<!doctype html><html dir="${page_}"><body style="margin:0">
        <div style="height:12000px">Text</div><section style="${box}">
        <form dir="${form}" method="post" action="/echo"><input name="q"><button>Send</button></form></section>
        ${tag('data-auto data-no-detector data-honeypot')}</body></html>`);
      const doc = frame.contentDocument;
      const view = frame.contentWindow;
      const root = doc.documentElement;
      const honeypot = await until(() => doc.forms[0].elements[FIELDS.honeypot], 'the honeypot');
      equal(root.scrollWidth, root.clientWidth, `${form} form on a ${page_} page: scroll width`);
      for (let y = 0; y < root.scrollHeight; y += view.innerHeight / 2) {
        view.scrollTo(0, y);
        const { top, bottom, left, right } = honeypot.getBoundingClientRect();
        ok(
          bottom <= 0 || top >= view.innerHeight || right <= 0 || left >= view.innerWidth,
          `${form} form on a ${page_} page: honeypot out of sight at scrollY ${y}`,
        );
      }
    }
  });

  it('uses the detector a CMS plugin already loaded instead of loading another', async () => {
    const head = `<script id="ct_bot_detector-js" src="${detector('wp-plugin')}" async></script>`;
    const frame = await page(
      wordpress({ head, script: tag(`data-auto data-detector-src="${detector('wp-ours')}"`) }),
    );
    await until(() => comments(frame).elements[FIELDS.eventToken]?.value, 'the token');
    equal(await loadsOf(detector('wp-plugin')), 1);
    equal(await loadsOf(detector('wp-ours')), 0);
    equal(frame.contentDocument.querySelectorAll('script[src*="ct-bot-detector-wrapper"]').length, 1);
  });

  it('with data-consent="pending", loads nothing until the page-wide consent event, then once', async () => {
    const src = detector('consent-event');
    const frame = await page(
      wordpress({ script: tag(`data-auto data-consent="pending" data-detector-src="${src}"`) }),
    );
    await until(() => serialised(comments(frame), FIELDS.startedAt), 'the form to be protected');
    equal(await loadsOf(src), 0);
    const grant = () =>
      frame.contentDocument.dispatchEvent(new frame.contentWindow.Event('ct-consent-granted'));
    grant();
    await until(() => comments(frame).elements[FIELDS.eventToken]?.value, 'the token after consent');
    equal(await loadsOf(src), 1);
    grant();
    await until(() => comments(frame).elements[FIELDS.eventToken]?.value, 'the token kept');
    equal(await loadsOf(src), 1, 'a second grant loads nothing more');
  });

  it('loads the detector under a strict CSP with the nonce of its own script tag', async () => {
    const src = detector('csp');
    const head = `<meta http-equiv="Content-Security-Policy" content="script-src 'nonce-r4nd0m'">`;
    const frame = await page(
      wordpress({ head, script: tag(`nonce="r4nd0m" data-auto data-detector-src="${src}"`) }),
    );
    await until(() => comments(frame).elements[FIELDS.eventToken]?.value, 'the token under CSP');
    equal(await loadsOf(src), 1);
  });

  it('under Trusted Types, loads the detector through the ct-protected-form policy the page allows', async () => {
    const src = detector('trusted-types');
    const csp = `require-trusted-types-for 'script'; trusted-types ct-protected-form`;
    const frame = await page(
      `<!doctype html><head><meta http-equiv="Content-Security-Policy" content="${csp}"></head><body><ct-protected-form detector-src="${src}"><form method="post" action="/echo"></form></ct-protected-form>${tag('')}</body>`,
    );
    const element = frame.contentDocument.querySelector('ct-protected-form');
    await element.ready;
    const form = element.querySelector('form');
    await until(() => serialised(form, FIELDS.eventToken), 'the token under Trusted Types');
    equal(await loadsOf(src), 1);
  });

  it('under Trusted Types that do not allow its policy, reports CT_DETECTOR_FAILED and the form still submits', async () => {
    const src = detector('trusted-types-refused');
    const record = `<script>document.addEventListener('ct-error', (event) => { window.errors = [...(window.errors ?? []), event.code]; });</script>`;
    const frame = await page(
      `<!doctype html><head><meta http-equiv="Content-Security-Policy" content="require-trusted-types-for 'script'; trusted-types other-policy">${record}</head><body><ct-protected-form detector-src="${src}"><form method="post" action="/echo"><input name="q" value="x"><button>Send</button></form></ct-protected-form>${tag('')}</body>`,
    );
    const win = frame.contentWindow;
    const element = frame.contentDocument.querySelector('ct-protected-form');
    await until(() => win.errors, 'a ct-error');
    equal(win.errors, ['CT_DETECTOR_FAILED']);
    await element.ready;
    equal(await loadsOf(src), 0);
    const arrived = next(frame, 'load');
    element.querySelector('button').click();
    await arrived;
    const fields = JSON.parse(frame.contentDocument.body.textContent);
    equal(one(fields, 'q'), 'x');
    ok(one(fields, FIELDS.startedAt), 'the start time');
  });

  it('<ct-protected-form nonce> loads the detector under a strict CSP', async () => {
    const src = detector('csp-element');
    const frame = await page(
      `<!doctype html><head><meta http-equiv="Content-Security-Policy" content="script-src 'nonce-e1ement'"><script nonce="e1ement" src="/dist/ct-protected-form.min.js"></script></head><body><ct-protected-form nonce="e1ement" detector-src="${src}"><form method="post" action="/echo"></form></ct-protected-form></body>`,
    );
    const form = frame.contentDocument.querySelector('form');
    await until(() => form.elements[FIELDS.eventToken]?.value, 'the token under CSP');
    equal(await loadsOf(src), 1);
  });

  it('a blocked detector leaves the form working, with a ct-error on document', async () => {
    const head = "<script>document.addEventListener('ct-error', (e) => (document.title = e.code));</script>";
    const script = tag('data-auto data-detector-src="/detector/missing.js"');
    const frame = await page(wordpress({ head, script }));
    await until(() => frame.contentWindow.CTProtectedForm?.autoProtection, 'auto mode').then(
      (auto) => auto.ready,
    );
    equal(frame.contentDocument.title, 'CT_DETECTOR_FAILED');
    const fields = await comment(frame);
    equal(one(fields, FIELDS.eventToken), '');
    equal(one(fields, 'author'), 'Ada');
  });

  it('without a token, the form carries the fallback signals: a sampled pointer track Y first, flags, webdriver', async () => {
    const frame = await page(wordpress({ script: tag('data-auto data-no-detector') }));
    const doc = frame.contentDocument;
    const view = frame.contentWindow;
    await until(() => view.CTProtectedForm?.autoProtection, 'auto mode');
    const move = (x, y) =>
      doc.body.dispatchEvent(new view.MouseEvent('mousemove', { bubbles: true, clientX: x, clientY: y }));
    move(10, 20);
    await new Promise((resolve) => setTimeout(resolve, 200));
    move(30, 40);
    move(50, 60);
    doc.dispatchEvent(new view.Event('scroll'));
    doc.body.dispatchEvent(new view.MouseEvent('mousedown', { bubbles: true }));
    const field = doc.getElementById('comment');
    field.focus();
    field.dispatchEvent(new view.KeyboardEvent('keyup', { bubbles: true }));
    const fields = await comment(frame);
    const data = JSON.parse(one(fields, FIELDS.behaviour));
    // The third move came too soon after the second to be kept.
    equal(
      data.m.map(([y, x]) => [y, x]),
      [
        [20, 10],
        [40, 30],
      ],
    );
    ok(data.m[1][2] - data.m[0][2] >= 150, 'points 150 ms apart');
    equal(data.f, 1 | 2 | 4 | 8);
    ok(Math.abs(data.k - Date.now() / 1000) < 60, 'first press in unix seconds');
    // This Chromium is driven by an automation library.
    equal(data.w, 1);
    equal(data.v, ['comment', 'author', 'email', 'url']);
    equal(data.i, ['comment_post_ID', 'comment_parent']);
    equal(data.s[3], view.document.documentElement.clientHeight);
    equal(one(fields, FIELDS.lang), 'en');
  });

  it('with a token, the fallback signals stay home, unless data-behaviour="always"', async () => {
    for (const [attributes, sent] of [
      ['', false],
      ['data-behaviour="always"', true],
    ]) {
      const frame = await page(
        wordpress({ script: tag(`data-auto data-detector-src="${detector(`b${sent}`)}" ${attributes}`) }),
      );
      const form = comments(frame);
      await until(() => form.elements[FIELDS.eventToken]?.value, 'the detector token');
      const fields = await comment(frame);
      equal(one(fields, FIELDS.eventToken).length, EVENT_TOKEN_LENGTH);
      equal(one(fields, FIELDS.behaviour) !== '', sent, attributes || 'default');
    }
  });

  // The build carries Lit's style adoption as it runs in the browsers it is built for (see
  // build/lit-css-tag.ts): a subclass drawing into a shadow root is styled as Lit styles it.
  it('a subclass of the global element, in a shadow root of its own, gets its static styles', async () => {
    const frame = await page(`<!doctype html><html><body>
<script src="/dist/ct-protected-form.min.js"></script>
<script>
  const sheet = new CSSStyleSheet();
  sheet.replaceSync(':host { display: block; color: rgb(1, 2, 3) }');
  const result = new CSSStyleSheet();
  result.replaceSync(':host { background-color: rgb(4, 5, 6) }');
  const { ProtectedFormElement } = CTProtectedForm;
  class StyledForm extends ProtectedFormElement {
    // A stylesheet, and a CSSResult as another copy of Lit makes it (its sheet behind \`styleSheet\`).
    static styles = [sheet, { styleSheet: result, cssText: '' }];
    createRenderRoot() {
      return Object.getPrototypeOf(ProtectedFormElement.prototype).createRenderRoot.call(this);
    }
  }
  StyledForm.define('styled-form');
</script>
<styled-form no-detector><form method="post" action="/echo"></form></styled-form>
</body></html>`);
    const element = frame.contentDocument.querySelector('styled-form');
    await element.updateComplete;
    ok(element.shadowRoot, 'a shadow root');
    const style = frame.contentWindow.getComputedStyle(element);
    equal([style.color, style.backgroundColor], ['rgb(1, 2, 3)', 'rgb(4, 5, 6)']);
  });
});
