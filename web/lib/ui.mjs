// The view layer every page uses: Preact with htm's tagged templates (no
// JSX, no build step). Values in ${...} become text nodes or attribute
// values, never markup; nothing in the page sets innerHTML.
import { h, render } from '../vendor/preact.mjs';
import htm from '../vendor/htm.mjs';

export { render };
export { useState, useEffect, useRef, useCallback, useMemo } from
    '../vendor/hooks.mjs';
export const html = htm.bind(h);
