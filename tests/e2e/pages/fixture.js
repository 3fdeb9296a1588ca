// Exposes the core package to end-to-end tests, which fill #root and call
// it through page.evaluate.
import * as core from '/www/core/index.js';

window.core = core;
window.coreReady = true;
