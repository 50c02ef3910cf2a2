import { FIELDS } from '@ct-protected-form/fields';
import { contactForm, urlencoded } from './widget-form.js';

/** A hostile request body, its headers, and what an adapter must answer: a status, or a verdict. */
export type HostileBody = [
  name: string,
  body: BodyInit,
  headers: Record<string, string>,
  expected: number | 'verdict',
];

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * Form bodies every adapter that reads the body itself must survive with a verdict or a clear 4xx
 * (with a 4096-byte body limit), never a 5xx. Each adapter's tests add the cases that are its own.
 */
export const HOSTILE_FORM_BODIES: HostileBody[] = [
  [
    'a malformed multipart body',
    '--xyz\r\nnonsense',
    { 'content-type': 'multipart/form-data; boundary=xyz' },
    400,
  ],
  ['a form body that is not UTF-8', new Uint8Array([0x65, 0x3d, 0xff]), FORM, 400],
  ['more than 1000 fields', Array.from({ length: 1001 }, (_, i) => `f${i}=1`).join('&'), FORM, 413],
  ['a body over the limit', `message=${'a'.repeat(5000)}`, FORM, 413],
  ['no hidden fields at all', 'email=a%40b.c&message=hi', FORM, 'verdict'],
  [
    '__proto__ and constructor fields',
    '__proto__=x&constructor=y&__proto__%5Bpolluted%5D=1',
    FORM,
    'verdict',
  ],
  ['repeated fields', `${urlencoded(contactForm())}&email=b%40c.d&ct_started_at=x&ct_js=2`, FORM, 'verdict'],
  ['a forged start token', urlencoded(contactForm({ [FIELDS.startToken]: 'A'.repeat(76) })), FORM, 'verdict'],
  [
    'a tampered start token',
    urlencoded(contactForm({ [FIELDS.startToken]: `${'A'.repeat(75)}B` })),
    FORM,
    'verdict',
  ],
  ['an empty body', '', FORM, 'verdict'],
];
