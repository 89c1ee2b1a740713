// Stand-in for a third-party accessibility toolbar ("aria.js" family, see docs): defines the globals
// the detector looks for and nothing else. Served only on 127.0.0.1 by the demo and tests.
window.aria = { start: function () {}, oldFixedStart: function () {} };
window.ariaAppId = "5d1b8e0c7f2a4c3e9b6a1d2f3e4c5b6a";
