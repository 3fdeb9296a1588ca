// Loaded first, as a classic script, so that every Content-Security-Policy
// and Trusted Types violation of the page is recorded for the tests, even
// one raised while the modules load.
window.violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.violations.push({ directive: event.violatedDirective, blocked: event.blockedURI, sample: event.sample });
});
