// `npm test` runs half of its tests in headless Chromium: Debian's chromium package, never a downloaded browser.
// On a fresh Debian machine where we are root, install it (what .ci/run does); elsewhere say what is missing.
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';

if (!existsSync(CHROMIUM)) {
  const canApt = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canApt) {
    console.error(`npm test: the browser tests need Debian's chromium at ${CHROMIUM}; install it with ` +
      '`sudo apt-get install -y chromium` and run the tests again.');
    process.exit(1);
  }
  console.log(`npm test: ${CHROMIUM} is missing; installing Debian's chromium with apt-get`);
  execSync('apt-get update && apt-get install -y chromium', { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}
