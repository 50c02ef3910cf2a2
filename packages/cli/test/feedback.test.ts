import { writeFileSync } from 'node:fs';
import { DEFAULT_AUTH_KEY, type DevServer, startDevServer } from '@ct-protected-form/devserver';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { parseFeedbackItem } from '../src/commands/feedback.js';
import { killAll, run, tempDir } from './helpers.js';

let server: DevServer;
const temp = tempDir();

beforeAll(async () => {
  server = await startDevServer({ port: 0, quiet: true });
});
afterAll(async () => {
  await server.close();
  temp.remove();
});
afterEach(() => {
  killAll();
  server.clearRequests();
});

const A = 'a'.repeat(32);
const B = 'B'.repeat(32);
const feedback = (args: string[], key = DEFAULT_AUTH_KEY) =>
  run(['feedback', '--endpoint', server.apiUrl, ...args], { env: { CLEANTALK_AUTH_KEY: key } });

describe('ct-protected-form feedback', () => {
  it('sends items from the arguments: spam as 0, ok as 1', async () => {
    const result = await feedback([`${A}:spam`, `${B}:ok`]);
    expect(result).toMatchObject({ code: 0, stdout: 'sent 2 of 2 items; CleanTalk received 2\n' });
    expect(server.lastRequest('send_feedback')?.body).toMatchObject({
      feedback: `${A}:0;${B.toLowerCase()}:1;`,
    });
  });

  it('reads items from a file, reporting malformed lines by number', async () => {
    const file = temp.path('feedback.csv');
    writeFileSync(file, `request_id,verdict\n${A},spam\n\nnot-an-id,spam\n${B} maybe\n# done\n`);
    const result = await feedback(['--file', file, '--format', 'json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ sent: 1, received: 1, malformed: 2, complete: true });
    expect(result.stderr).toContain('line 4: expected "<32-hex request id>:spam" or "<id>:ok"; skipped');
    expect(result.stderr).toContain('line 5: unknown verdict "maybe": use spam or ok; skipped');
  });

  it('exits 2 when there is nothing to send', async () => {
    const result = await feedback(['nonsense']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('nothing to send');
  });

  it('exits 1 for a refused key, naming the licence problem but not the key', async () => {
    const result = await feedback([`${A}:ok`], 'ct-devserver-freezed');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('SERVICE_FREEZED');
    expect(result.stdout + result.stderr).not.toContain('ct-devserver-freezed');
  });
});

describe('feedback items', () => {
  it('accepts the usual separators and verdict words', () => {
    expect(parseFeedbackItem(`${A};ham`)).toEqual({ requestId: A, spam: false });
    expect(parseFeedbackItem(`${A}\tSPAM`)).toEqual({ requestId: A, spam: true });
    expect(parseFeedbackItem(`${A}:1`)).toMatch(/expected/);
  });
});
