import { OptionsError } from '../../errors.js';
import { describe } from '../../options.js';

/** The CleanTalk method a protected route calls. */
export type ProtectedMethod = 'check_message' | 'check_newuser' | 'check_bot';

/** Which body fields hold what CleanTalk looks at. */
export interface FieldMap {
  /** @default 'email' */
  email?: string;
  /** The visitor's name or user name. @default 'name' */
  nickname?: string;
  /** The visitor's text; several fields are joined in this order. @default 'message' */
  message?: string | readonly string[];
  /** @default 'phone' */
  phone?: string;
}

/**
 * How one route is checked. Given per route (Fastify `config.ctProtectedForm`, the Express
 * middleware's or the Request protector's argument) on top of the adapter's `defaults`.
 *
 * @example
 * { method: 'check_message', fields: { email: 'email', nickname: 'name', message: ['subject', 'message'] }, commentType: 'contact' }
 */
export interface ProtectedRouteConfig {
  /**
   * `check_message` for anything with text (comments, contact forms, reviews), `check_newuser` for
   * registrations, sign-ups and orders, `check_bot` for forms without text (log-in, search,
   * newsletter): a bot-detector-token-only check.
   * @default 'check_message'
   */
  method?: ProtectedMethod;
  /** Field names in the body; each key not given keeps its default. */
  fields?: FieldMap;
  /**
   * CleanTalk's `comment_type`: `comment`, `contact`, `review`, `order`, `registration`…
   * @default 'comment' for check_message, 'registration' for check_newuser
   */
  commentType?: string;
}

/** A route configuration with defaults applied. */
export interface ResolvedRouteConfig {
  method: ProtectedMethod;
  fields: { email: string; nickname: string; message: readonly string[]; phone: string };
  commentType?: string;
}

export const DEFAULT_ROUTE_CONFIG: ResolvedRouteConfig = {
  method: 'check_message',
  fields: { email: 'email', nickname: 'name', message: ['message'], phone: 'phone' },
};

const METHODS: readonly ProtectedMethod[] = ['check_message', 'check_newuser', 'check_bot'];
const ROUTE_KEYS: readonly (keyof ProtectedRouteConfig)[] = ['method', 'fields', 'commentType'];
const FIELD_KEYS: readonly (keyof FieldMap)[] = ['email', 'nickname', 'message', 'phone'];
const FIELD_NAME = /^[^\s]{1,200}$/;

/**
 * Validates `config` (`true` or `undefined` mean "the defaults") and applies it on top of
 * `defaults`. Throws an {@link OptionsError} named after `option`, e.g. `config.ctProtectedForm.method`.
 */
export function resolveRouteConfig(
  config: ProtectedRouteConfig | boolean | undefined,
  defaults: ResolvedRouteConfig = DEFAULT_ROUTE_CONFIG,
  option = 'config',
): ResolvedRouteConfig {
  if (config === undefined || config === true) return defaults;
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new OptionsError(option, `expected an object or true, got ${describe(config)}`);
  }
  rejectUnknownKeys(config, ROUTE_KEYS, option);
  const method = config.method ?? defaults.method;
  if (!METHODS.includes(method)) {
    throw new OptionsError(
      `${option}.method`,
      `expected one of ${METHODS.join(', ')}, got ${describe(method)}`,
    );
  }
  const resolved: ResolvedRouteConfig = {
    method,
    fields: resolveFields(config.fields, defaults.fields, option),
  };
  const commentType = config.commentType ?? defaults.commentType;
  if (commentType !== undefined) {
    if (typeof commentType !== 'string' || !/^[a-z_]{1,32}$/.test(commentType)) {
      throw new OptionsError(
        `${option}.commentType`,
        `expected 1 to 32 lower-case letters or underscores (e.g. 'contact'), got ${describe(commentType)}`,
      );
    }
    resolved.commentType = commentType;
  }
  return resolved;
}

function resolveFields(
  fields: FieldMap | undefined,
  defaults: ResolvedRouteConfig['fields'],
  option: string,
): ResolvedRouteConfig['fields'] {
  if (fields === undefined) return defaults;
  if (fields === null || typeof fields !== 'object' || Array.isArray(fields)) {
    throw new OptionsError(`${option}.fields`, `expected an object, got ${describe(fields)}`);
  }
  rejectUnknownKeys(fields, FIELD_KEYS, `${option}.fields`);
  const name = (key: 'email' | 'nickname' | 'phone'): string => {
    const value = fields[key] ?? defaults[key];
    if (typeof value !== 'string' || !FIELD_NAME.test(value)) {
      throw new OptionsError(`${option}.fields.${key}`, `expected a field name, got ${describe(value)}`);
    }
    return value;
  };
  const message = fields.message ?? defaults.message;
  const messages = typeof message === 'string' ? [message] : message;
  if (
    !Array.isArray(messages) ||
    messages.length === 0 ||
    messages.length > 20 ||
    !messages.every((m) => typeof m === 'string' && FIELD_NAME.test(m))
  ) {
    throw new OptionsError(
      `${option}.fields.message`,
      `expected a field name or a non-empty array of up to 20 field names, got ${describe(message)}`,
    );
  }
  return { email: name('email'), nickname: name('nickname'), message: [...messages], phone: name('phone') };
}

/**
 * A misspelled key (`commentTyp`) would otherwise be ignored and its route checked with the
 * defaults, silently: every key must be one we know.
 */
export function rejectUnknownKeys(value: object, known: readonly string[], option: string): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = known.find((k) => k.toLowerCase().slice(0, 4) === key.toLowerCase().slice(0, 4));
    throw new OptionsError(
      `${option}.${key}`,
      `unknown key${near ? ` (did you mean "${near}"?)` : ''}; known keys: ${known.join(', ')}`,
    );
  }
}
