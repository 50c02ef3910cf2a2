/**
 * The one way to grant consent for the whole page: `document.dispatchEvent(new Event('ct-consent-granted'))`,
 * from a consent manager's callback. An event rather than a function, so that it needs no import and
 * reaches every copy of the widget on the page (a bundle's and a script tag's alike).
 */
export const CONSENT_EVENT = 'ct-consent-granted';
