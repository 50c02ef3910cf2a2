import { afterEach, describe, expect, it } from 'vitest';
import { killAll, run } from './helpers.js';

afterEach(() => killAll());

describe('ct-protected-form', () => {
  it('lists the commands with --help and exits 0', async () => {
    const result = await run(['--help']);
    expect(result.code).toBe(0);
    for (const name of ['spam-check', 'ip-info', 'check-key', 'feedback'])
      expect(result.stdout).toContain(name);
  });

  it('prints usage and exits 2 without a command, and for an unknown one', async () => {
    expect((await run([])).code).toBe(2);
    const unknown = await run(['spam-chek']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown command "spam-chek"');
  });

  it.each(['spam-check', 'ip-info', 'check-key', 'feedback'])('has --help for %s', async (name) => {
    const result = await run([name, '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^Usage: ct-protected-form ${name}`));
    expect(result.stdout).toContain('CLEANTALK_AUTH_KEY');
    const viaHelp = await run(['help', name]);
    expect(viaHelp.stdout).toBe(result.stdout);
  });

  it('prints the version', async () => {
    expect((await run(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+\n$/);
  });

  it('exits 2 for an unknown option, naming it', async () => {
    const result = await run(['check-key', '--colour'], { env: { CLEANTALK_AUTH_KEY: 'k' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("Unknown option '--colour'");
  });
});
