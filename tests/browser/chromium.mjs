// Debian's Chromium, headless, through playwright-core: never a
// downloaded browser, and none of the background connections Chromium
// opens by itself (they fail in bursts on a machine without internet).
import { chromium } from 'playwright-core';

export function launchChromium() {
	return chromium.launch({ executablePath: '/usr/bin/chromium',
	    headless: true, args: ['--disable-gpu', '--disable-quic',
	    '--no-first-run', '--disable-background-networking',
	    '--disable-component-update', '--disable-sync'] });
}
