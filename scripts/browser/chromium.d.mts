// Types of chromium.mjs, for the TypeScript tests that launch Chromium (the trainer's report check).
import type { Browser } from 'playwright-core';

export const executablePath: string;
export function chromiumMissing(): string | null;
export function launchChromium(): Promise<Browser>;
