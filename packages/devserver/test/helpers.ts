import { request } from 'node:http';
import { DEFAULT_AUTH_KEY, type DevServer } from '../src/index.js';

/**
 * Posts a real-time API call and returns the parsed answer. Uses node:http, not `fetch`, so it
 * also works from a happy-dom test, whose `fetch` applies the browser's CORS rules.
 */
export function callApi(server: DevServer, body: Record<string, unknown>): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const call = request(
      server.apiUrl,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
        });
        res.on('end', () => {
          try {
            resolve(JSON.parse(text) as Record<string, unknown>);
          } catch (error) {
            reject(error);
          }
        });
      },
    );
    call.on('error', reject);
    call.end(JSON.stringify(body));
  });
}

/** A check_message body that passes every rule unless a field is overridden. */
export function message(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    method_name: 'check_message',
    auth_key: DEFAULT_AUTH_KEY,
    sender_ip: '203.0.113.10',
    sender_email: 'visitor@example.com',
    sender_nickname: 'Visitor',
    message: 'Hello, a perfectly ordinary comment.',
    js_on: 1,
    submit_time: 12,
    ...fields,
  };
}
