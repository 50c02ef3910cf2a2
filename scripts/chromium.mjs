// How every browser test, end-to-end test, screenshot and benchmark of this repository starts
// Chromium: Debian's binary (or CHROMIUM_PATH), headless, and nothing talking to the network on its
// own (the machines that run the tests have no internet, and background requests only add noise).

export const chromiumExecutable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const chromiumArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Options for playwright-core's `chromium.launch()`. */
export function chromiumLaunchOptions() {
  return { executablePath: chromiumExecutable, headless: true, args: [...chromiumArgs] };
}
