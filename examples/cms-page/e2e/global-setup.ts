import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The browser loads the widget's script-tag build: fail early, and say why, when it is missing. */
export default function checkWidgetBuild(): void {
  const require = createRequire(import.meta.url);
  let file: string | undefined;
  try {
    file = require.resolve('@ct-protected-form/widget/standalone');
  } catch {}
  if (!file || !existsSync(file)) {
    throw new Error(
      'The widget is not built: run `pnpm build` at the repository root before the end-to-end tests.',
    );
  }
}
