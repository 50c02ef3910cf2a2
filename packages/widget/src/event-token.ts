import { DETECTOR_STORAGE_KEY, EVENT_TOKEN_FIELD, isEventToken } from '@ct-protected-form/fields';
import { isOwnField } from './hidden-fields.js';

/**
 * The bot detector's current event token: from one of its inputs in the document (ours are
 * copies and skipped), else from its `localStorage` entry, JSON `{"value": "…"}`. Empty when there
 * is none yet. It reads storage: call it only once the visitor has consented.
 */
export function readEventToken(): string {
  for (const input of Document.prototype.getElementsByName.call(
    document,
    EVENT_TOKEN_FIELD,
  ) as NodeListOf<HTMLInputElement>) {
    if (!isOwnField(input) && isEventToken(input.value)) return input.value;
  }
  try {
    const { value } = JSON.parse(localStorage.getItem(DETECTOR_STORAGE_KEY) as string) ?? {};
    if (isEventToken(value)) return value;
  } catch {
    // Malformed JSON, or storage blocked (sandboxed frame, privacy settings): no token from there.
  }
  return '';
}
