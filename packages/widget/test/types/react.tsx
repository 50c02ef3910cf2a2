// Type test: `<ct-protected-form>` in a React 19 component, with the opt-in typings.

import type { ProtectedFormErrorEvent } from '@ct-protected-form/widget';
import type {} from '@ct-protected-form/widget/jsx';

export function ContactForm() {
  return (
    <ct-protected-form
      detector-src="https://fd.cleantalk.org/ct-bot-detector-wrapper.js"
      consent="pending"
      honeypot
      start-token-url="/ct-protected-form/start-token"
      onct-error={(event: ProtectedFormErrorEvent) => console.warn(event.code)}
    >
      <form method="post" action="/contact">
        <textarea name="message" />
      </form>
    </ct-protected-form>
  );
}

// @ts-expect-error consent takes only "pending" or "granted"
export const wrongConsent = <ct-protected-form consent="maybe" />;
