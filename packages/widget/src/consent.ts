/**
 * The page-wide consent event. A consent manager that cannot call {@link grantConsent} may dispatch
 * it itself once the widget's script has run: `document.dispatchEvent(new Event('ct-consent-granted'))`.
 */
export const CONSENT_EVENT = 'ct-consent-granted';

let granted = false;

/** Whether page-wide consent was granted since the page loaded. */
export const hasPageConsent = (): boolean => granted;

/**
 * Grants consent for the whole page: every `<ct-protected-form consent="pending">`, and auto mode
 * with `data-consent="pending"`, may now load the bot detector and read its token.
 */
export function grantConsent(): void {
  granted = true;
  document.dispatchEvent(new Event(CONSENT_EVENT));
}

/** Calls `callback` whenever page-wide consent is granted, by call or by event. */
export function onPageConsent(callback: () => void): void {
  document.addEventListener(CONSENT_EVENT, () => {
    granted = true;
    callback();
  });
}
