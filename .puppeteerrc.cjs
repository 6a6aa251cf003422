// Puppeteer must not download its own browser: this machine (and CI) can only reach
// the npm registry and Debian's packages. Browsers come from test/support/browsers.mjs.
module.exports = { skipDownload: true };
