// Type test: `<ct-protected-form>` in a Preact component, with the opt-in typings.
import type {} from '@ct-protected-form/widget/jsx';

export function ContactForm() {
  return (
    <ct-protected-form no-detector start-token="signed.token">
      <form method="post" action="/contact" />
    </ct-protected-form>
  );
}

// @ts-expect-error consent takes only "pending" or "granted"
export const wrongConsent = <ct-protected-form consent="maybe" />;
