import { DEFAULT_AUTH_KEY, type DevServer } from '../src/index.js';

/** Posts a real-time API call and returns the parsed answer. */
export async function callApi(
  server: DevServer,
  body: Record<string, unknown>,
): Promise<Record<string, unknown>> {
  const response = await fetch(server.apiUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await response.json()) as Record<string, unknown>;
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
