// What both kinds of practice share (the engine's rounds in engine.js, the
// page walk in extract.js): each fills the wait for a dictionary that is
// still loading, a task at a time, and stops as soon as it has arrived.

/** Practice starts only for a dictionary still loading after this long: a
 * small or cached one arrives sooner and needs no wait filled. */
const PRACTICE_AFTER_MS = 20;

/**
 * Waits PRACTICE_AFTER_MS, or less if `pending` settles first, and returns
 * `{ settled(), pause(ms) }`: whether `pending` has settled, either way,
 * and a pause of `ms` that also ends when it does, to run between slices
 * of practice.
 */
export async function waitToPractise(pending) {
  let settled = false;
  const done = pending.then(() => { settled = true; }, () => { settled = true; });
  const pause = (ms) => Promise.race([done, new Promise((resolve) => setTimeout(resolve, ms))]);
  await pause(PRACTICE_AFTER_MS);
  return { settled: () => settled, pause };
}
