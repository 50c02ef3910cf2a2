import { FIELDS } from '@ct-protected-form/fields';
import { describe, expect, it } from 'vitest';
import { readClientSignals, resolveStartTime } from '../../src/check/signals.js';

const START = 1_764_000_000_000;
const TOKEN = 'a'.repeat(64);

function form(fields: Record<string, string>) {
  return fields;
}

describe('readClientSignals', () => {
  it('reads every field the widget writes', () => {
    const signals = readClientSignals(
      form({
        [FIELDS.eventToken]: TOKEN,
        [FIELDS.startedAt]: String(START),
        [FIELDS.submittedAt]: String(START + 9_000),
        [FIELDS.timeZone]: 'Europe/Berlin',
        [FIELDS.tzOffset]: '60',
        [FIELDS.pageUrl]: 'https://blog.example/post/1',
        [FIELDS.referrer]: 'https://search.example/?q=x',
        [FIELDS.startToken]: 'signed.token',
      }),
    );
    expect(signals).toMatchObject({
      eventToken: TOKEN,
      startedAt: START,
      submittedAt: START + 9_000,
      timeZone: 'Europe/Berlin',
      tzOffsetMinutes: 60,
      pageUrl: 'https://blog.example/post/1',
      referrer: 'https://search.example/?q=x',
      startToken: 'signed.token',
      honeypotFilled: false,
    });
  });

  it('drops malformed tokens, URLs, zones and offsets instead of trusting them', () => {
    const signals = readClientSignals(
      form({
        [FIELDS.eventToken]: `${'a'.repeat(63)}"`,
        [FIELDS.pageUrl]: 'javascript:alert(1)',
        [FIELDS.referrer]: 'not a url',
        [FIELDS.timeZone]: '<script>',
        [FIELDS.tzOffset]: '100000',
        [FIELDS.startedAt]: 'yesterday',
      }),
    );
    expect(signals).toMatchObject({ startedAtProblem: 'malformed' });
    expect(signals.eventToken).toBeUndefined();
    expect(signals.pageUrl).toBeUndefined();
    expect(signals.referrer).toBeUndefined();
    expect(signals.timeZone).toBeUndefined();
    expect(signals.tzOffsetMinutes).toBeUndefined();
  });

  it.each(['0x10', '1e2', '60.0', '+60', '', '-', '12345'])(
    'reads only whole minutes as the widget writes them as a UTC offset, not %j',
    (offset) => {
      expect(readClientSignals(form({ [FIELDS.tzOffset]: offset })).tzOffsetMinutes).toBeUndefined();
    },
  );

  it.each([
    ['-300', -300],
    ['330', 330],
    ['0', 0],
  ])('reads the UTC offset %j as %d minutes', (offset, minutes) => {
    expect(readClientSignals(form({ [FIELDS.tzOffset]: offset })).tzOffsetMinutes).toBe(minutes);
  });

  it('notices a filled honeypot', () => {
    expect(readClientSignals(form({ [FIELDS.honeypot]: 'http://spam.example' })).honeypotFilled).toBe(true);
  });
});

describe('resolveStartTime', () => {
  const signals = (fields: Record<string, string>) => readClientSignals(form(fields));

  it('prefers a server-verified start', () => {
    expect(
      resolveStartTime(signals({ [FIELDS.startedAt]: String(START) }), START + 20_000, START + 5_000),
    ).toEqual({
      source: 'signed',
      submitTimeSeconds: 15,
    });
  });

  it('measures on the visitor’s own clock when it sent both ends, whatever its offset', () => {
    const skewed = START - 3_600_000;
    const time = resolveStartTime(
      signals({ [FIELDS.startedAt]: String(skewed), [FIELDS.submittedAt]: String(skewed + 12_400) }),
      START,
      undefined,
    );
    expect(time).toEqual({ source: 'client', submitTimeSeconds: 12 });
  });

  it('falls back to the server clock for the end', () => {
    expect(
      resolveStartTime(signals({ [FIELDS.startedAt]: String(START) }), START + 7_000, undefined),
    ).toEqual({
      source: 'client',
      submitTimeSeconds: 7,
    });
  });

  it('refuses a start in the future', () => {
    expect(
      resolveStartTime(signals({ [FIELDS.startedAt]: String(START + 3_600_000) }), START, undefined),
    ).toEqual({
      source: 'none',
      problem: 'future',
    });
  });

  it('reports a missing start, and believes no client clock beside a refused signed token', () => {
    expect(resolveStartTime(signals({}), START, undefined)).toEqual({ source: 'none', problem: 'missing' });
    expect(
      resolveStartTime(signals({ [FIELDS.startedAt]: String(START) }), START + 1_000, undefined, 'replayed'),
    ).toEqual({ source: 'none', problem: 'replayed' });
  });

  it('uses the visitor clock, flagged, when start tokens are expected and none was sent', () => {
    expect(
      resolveStartTime(signals({ [FIELDS.startedAt]: String(START) }), START + 4_000, undefined, 'missing'),
    ).toEqual({ source: 'client', submitTimeSeconds: 4, problem: 'missing' });
  });
});
