// The hostile-page fixture: the core package and the page generator, for
// tests/e2e/hostile.test.mjs and security.test.mjs to drive through
// page.evaluate. A separate file rather than an inline script, so the page
// also runs under a CSP without 'unsafe-inline'.
import * as core from '/www/core/index.js';
import * as hostile from '/tests/e2e/hostile/generate.mjs';
import * as check from '/tests/e2e/hostile/check.mjs';
import * as mutate from '/tests/e2e/hostile/mutate.mjs';

window.core = core;
window.hostile = hostile;
window.check = check;
window.mutate = mutate;
window.coreReady = true;
