import fc from 'fast-check';

/** How many runs a property gets; `FUZZ_RUNS=2000` for a longer hunt. */
export const RUNS = Number(process.env.FUZZ_RUNS) || undefined;

/** `numRuns` for a property: its own default, or `FUZZ_RUNS` when set. */
export const runs = (numRuns: number): { numRuns: number } => ({ numRuns: RUNS ?? numRuns });

/** The test timeout of a property: vitest's default, or ten minutes for a `FUZZ_RUNS` hunt. */
export const FUZZ_TIMEOUT: number | undefined = RUNS ? 600_000 : undefined;

/** Pieces that break line-based and CSV readers: quotes, delimiters, line ends, BOMs, NUL, surrogates. */
const piece: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(',', ';', '\t', '"', '""', '\n', '\r\n', '\r', ' ', '#') },
  { weight: 3, arbitrary: fc.constantFrom('email', 'ip', 'name', 'record', 'Email', ' IP ', 'e-mail') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('ann@example.com', '192.0.2.1', '2001:db8::1', 'n/a', '=1+1', '@SUM(A1)'),
  },
  { weight: 2, arbitrary: fc.constantFrom('\uFEFF', '\u0000', '\uD800', '\uDC00', '\u2028', '\u0085', '€') },
  { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 8 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 200_000 }).map((n) => 'x'.repeat(n)) },
);

/** Text a user base export can hold, from well-formed CSV to anything at all. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.array(piece, { maxLength: 60 }).map((pieces) => pieces.join('')),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(
      fc.array(piece, { maxLength: 6 }).map((cells) => cells.join('')),
      { maxLength: 40 },
    )
    .map((lines) => lines.join('\n')),
);

/** A string any cell of an output row could hold, CleanTalk's answers included. */
export const cellText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.array(piece, { maxLength: 8 }).map((pieces) => pieces.join('')),
  fc.constantFrom('=HYPERLINK("http://x")', '+1', '-1', '@A1', '', ' ', '"', '\r', 'null', '[', '{"a":1}'),
);
