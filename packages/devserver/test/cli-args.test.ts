import { describe, expect, it } from 'vitest';
import { CliUsageError, parseCliArgs } from '../src/cli-args.js';

describe('parseCliArgs', () => {
  it('serves on port 8787 and logs requests by default', () => {
    expect(parseCliArgs([])).toEqual({ kind: 'serve', options: { port: 8787, quiet: false } });
  });

  it('maps every flag to its option', () => {
    const command = parseCliArgs([
      '--port',
      '0',
      '--host',
      '::1',
      '--key',
      'a',
      '--key=b',
      '--detector-delay',
      '250',
      '--number-flags',
      '--quiet',
    ]);
    expect(command).toEqual({
      kind: 'serve',
      options: {
        port: 0,
        host: '::1',
        authKeys: ['a', 'b'],
        detectorDelayMs: 250,
        stringNumbers: false,
        quiet: true,
      },
    });
  });

  it('asks for help with --help or -h', () => {
    expect(parseCliArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseCliArgs(['-h'])).toEqual({ kind: 'help' });
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port'], /--port/],
    [['--port', '70000'], /--port must be an integer from 0 to 65535, got "70000"/],
    [['--port', '12a'], /--port must be an integer/],
    [['--detector-delay', '-5'], /--detector-delay/],
    [['--key', ''], /--key must not be empty/],
    [['serve'], /serve/],
  ])('refuses %j with a usage error', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });
});
