/**
 * How Chromium runs in the tests: Debian's build (Playwright cannot download its own here), or
 * $CHROMIUM_PATH; headless; as root, so without the sandbox; and with no background traffic to
 * Google's hosts, which a closed network refuses. Playwright gives every launch a fresh, empty
 * profile directory of its own (it refuses --user-data-dir in `args`).
 */
export const CHROMIUM_PATH = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];
