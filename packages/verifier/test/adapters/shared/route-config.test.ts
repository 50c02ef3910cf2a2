import { OptionsError } from '@ct-protected-form/verifier';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ROUTE_CONFIG, resolveRouteConfig } from '../../../src/adapters/shared/route-config.js';

describe('resolveRouteConfig', () => {
  it('uses the defaults for true or nothing', () => {
    expect(resolveRouteConfig(true)).toBe(DEFAULT_ROUTE_CONFIG);
    expect(resolveRouteConfig(undefined)).toEqual({
      method: 'check_message',
      fields: { email: 'email', nickname: 'name', message: ['message'], phone: 'phone' },
    });
  });

  it('overrides single fields on top of the defaults and keeps the rest', () => {
    const defaults = resolveRouteConfig({ commentType: 'contact', fields: { email: 'mail' } });
    expect(
      resolveRouteConfig({ method: 'check_newuser', fields: { message: ['subject', 'body'] } }, defaults),
    ).toEqual({
      method: 'check_newuser',
      commentType: 'contact',
      fields: { email: 'mail', nickname: 'name', message: ['subject', 'body'], phone: 'phone' },
    });
  });

  it.each([
    ['nope', 'route'],
    [{ method: 'check_bots' }, 'route.method'],
    [{ commentType: 'Contact Form' }, 'route.commentType'],
    [{ fields: [] }, 'route.fields'],
    [{ fields: { email: '' } }, 'route.fields.email'],
    [{ fields: { nickname: 3 } }, 'route.fields.nickname'],
    [{ fields: { message: [] } }, 'route.fields.message'],
    [{ fields: { message: ['ok', 'has space'] } }, 'route.fields.message'],
  ])('rejects %j naming %s', (config, option) => {
    expect(() => resolveRouteConfig(config as never, undefined, 'route')).toThrow(
      expect.objectContaining({ option, constructor: OptionsError }),
    );
  });
});
