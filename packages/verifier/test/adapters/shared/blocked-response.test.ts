import type { Verdict } from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';
import { blockedResponse, escapeHtml, prefersJson } from '../../../src/adapters/shared/blocked-response.js';

const verdict = (reason: string) => ({ decision: 'block', reason }) as Verdict;

describe('blockedResponse', () => {
  it('escapes the reason in the HTML page', () => {
    const answer = blockedResponse(verdict('<img src=x onerror="alert(1)"> & \'more\''), 'text/html');
    expect(answer.status).toBe(403);
    expect(answer.body).toContain('&#60;img src=x onerror=&#34;alert(1)&#34;&#62; &#38; &#39;more&#39;');
    expect(answer.body).not.toContain('<img');
    expect(answer.headers).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-store',
    });
  });

  it('answers JSON with the reason when JSON is preferred', () => {
    const answer = blockedResponse(verdict('Forbidden.'), 'application/json');
    expect(JSON.parse(answer.body)).toEqual({
      statusCode: 403,
      code: 'CT_BLOCKED',
      error: 'Forbidden',
      message: 'Forbidden.',
    });
    expect(answer.headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it('never answers with an empty reason', () => {
    expect(JSON.parse(blockedResponse(verdict(''), 'application/json').body).message).toBe(
      'Your submission was rejected.',
    );
  });
});

describe('prefersJson', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['*/*', false],
    ['application/json', true],
    ['application/json, text/plain, */*', true],
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', false],
    ['text/html;q=0.5, application/json', true],
    ['application/json;q=0.4, text/html;q=0.9', false],
    ['application/*', true],
    ['text/*, application/json;q=0.1', false],
    ['garbage;;;,,', false],
  ])('%s → %s', (accept, expected) => {
    expect(prefersJson(accept)).toBe(expected);
  });
});

describe('escapeHtml', () => {
  it('leaves plain text alone', () => {
    expect(escapeHtml('Forbidden. Sender blacklisted.')).toBe('Forbidden. Sender blacklisted.');
  });
});
