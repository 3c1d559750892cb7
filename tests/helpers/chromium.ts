// The one browser the tests use: Debian's chromium package (apt-get install chromium), never a downloaded one.
export const CHROMIUM_PATH = '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking'];
