import type { CheckResponse } from './answer.js';
import type { Verdict } from './verdict.js';

/**
 * What CleanTalk's answer to one check means, read the way every CleanTalk CMS module reads it:
 *
 * | answer                          | `check_message` | `check_newuser`               | `check_bot` |
 * | ------------------------------- | --------------- | ----------------------------- | ----------- |
 * | `allow: 1`                      | allow           | allow                         | allow       |
 * | `allow: 1, inactive: 1`         | allow           | review (`verdict.inactive`)   | allow       |
 * | `allow: 0, stop_queue: 1`       | block           | block                         | block       |
 * | `allow: 0, stop_queue: 0`       | review          | block                         | block       |
 *
 * `stop_queue: 1` is "definitely spam, reject at once" (the WordPress plugin terminates on it);
 * `stop_queue: 0` with `allow: 0` is "to manual approvement" for a comment or message, while a
 * registration is refused all the same. `allow: 1` ignores `stop_queue`. An absent `stop_queue`
 * counts as 0, as in CleanTalk's PHP libraries.
 */
export function decisionOf(
  method: Verdict['method'],
  response: Pick<CheckResponse, 'allow' | 'stopQueue' | 'inactive'>,
): Verdict['decision'] {
  if (response.allow) return method === 'check_newuser' && response.inactive ? 'review' : 'allow';
  if (response.stopQueue) return 'block';
  return method === 'check_message' ? 'review' : 'block';
}
