/** This package's version; kept equal to package.json by a test. */
export const VERSION = '0.1.0';

/** The `agent` CleanTalk shows in its dashboard for checks made by this library. */
export const AGENT = `ct-protected-form-${VERSION}`;
