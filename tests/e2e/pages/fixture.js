// Exposes the core package to end-to-end tests, which fill #root and call
// it through page.evaluate.
import * as core from '/www/core/index.js';

window.core = core;
window.coreReady = true;

/** Calls `measure()` in every frame the browser draws until `stop()`,
 * which returns what it gave, a number per frame. */
window.watchFrames = (measure) => {
  const frames = [];
  let watching = true;
  const look = () => {
    if (!watching) return;
    frames.push(measure());
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
  return () => {
    watching = false;
    return frames;
  };
};

/** A matcher that answers `delayMs` late, as a worker or the extension's
 * background may; `onText`, if given, is told of each text first. */
window.lateMatcher = (local, delayMs, onText) => ({
  info: () => local.info(),
  async match(text) {
    onText?.(text);
    await new Promise((resolve) => setTimeout(resolve, delayMs));
    return local.matchNow(text);
  },
});
