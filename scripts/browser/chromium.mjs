// Debian's headless Chromium for the repository's browser checks (scripts/browser-check.mjs,
// examples/playground/check.mjs): where it is, and one launch with the flags they share.
// CHROMIUM overrides the path; `apt-get install -y chromium` provides it.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const executablePath = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Why Chromium cannot run here (a sentence for a skip or a failure), or null when it can. */
export function chromiumMissing() {
  return existsSync(executablePath)
    ? null
    : `${executablePath} not found: install Debian's chromium (apt-get install -y chromium)`;
}

/**
 * Launches headless Chromium with WebGPU allowed (SwiftShader where there is no GPU) and its
 * background traffic (updates, sync, QUIC) off, so a check's pages make the only requests.
 */
export function launchChromium() {
  return chromium.launch({
    executablePath,
    args: [
      '--enable-unsafe-webgpu',
      '--no-sandbox',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
      '--no-first-run',
    ],
  });
}
