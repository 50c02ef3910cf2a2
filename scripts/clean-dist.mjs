// Empties the current package's dist/ before a build, so files of deleted sources never ship.
import { rm } from 'node:fs/promises';

await rm(new URL('dist', `file://${process.cwd()}/`), { recursive: true, force: true });
