// Types of quick-start-checks.mjs, for the TypeScript tests that import it.

export interface Submission {
  form: Record<string, string>;
  status: number;
  answer: RegExp;
}
export const SUBMISSIONS: Record<'allowed' | 'held' | 'blocked', Submission>;

export interface Routes {
  contact: string;
  startToken: string;
}
export const ROUTES: { server: Routes; route: Routes };
export const START_TOKEN_SECRET: string;
export const SERVE_ROUTE: string;

export function freePort(): Promise<number>;

export interface StartAppOptions {
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
  port: number;
  startTokenPath: string;
  timeoutMs?: number;
}
export function startApp(options: StartAppOptions): Promise<{ stop(): Promise<void>; output(): string }>;

export interface CheckSubmissionsOptions {
  baseUrl: string;
  routes: Routes;
  eventToken: () => string;
  fields: {
    FIELDS: Record<'eventToken' | 'startToken' | 'startedAt' | 'submittedAt', string>;
  };
}
export function checkSubmissions(options: CheckSubmissionsOptions): Promise<string[]>;

export interface RunQuickStartOptions {
  /** Node's arguments: the quick start's file, after tsx or the route server when it needs one. */
  args: string[];
  cwd: string;
  routes: Routes;
  devserver: { apiUrl: string; databaseUrl: string; issueEventToken(): string };
  fields: CheckSubmissionsOptions['fields'];
  /** A key the devserver accepts. */
  key: string;
}
export function runQuickStart(options: RunQuickStartOptions): Promise<string[]>;
