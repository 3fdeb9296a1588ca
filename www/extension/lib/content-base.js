// Stands in for `import.meta.url` in the content-script bundle (see the
// content script's build in scripts/build-extension.mjs): the address the
// core's engine.js has inside the extension package, so the core's default
// asset URLs resolve to the extension's own files, never to a web address.
const api = globalThis.browser ?? globalThis.chrome;

export const contentScriptModuleUrl = api.runtime.getURL('core/internal/engine.js');
