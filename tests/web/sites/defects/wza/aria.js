// Stand-in for the govwza aria.js toolbar (fixture, 127.0.0.1 only). Like the real one it adds its own
// bar to the page and its own non-standard aria-* attributes to the page's elements, and its
// oldFixedStart() turns on the elder mode (larger text).
(function () {
  window.ariaAppId = "0123456789abcdef0123456789abcdef";
  window.aria = {
    start: function () {},
    oldFixedStart: function () { document.body.style.fontSize = "22px"; }
  };
  function addBar() {
    var bar = document.createElement("div");
    bar.className = "aria-toolbar";
    bar.innerHTML = '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="20" height="20">' +
      '<button type="button"><span class="aria-icon"></span></button>';
    document.body.insertBefore(bar, document.body.firstChild);
    var heading = document.querySelector("h1");
    if (heading) heading.setAttribute("aria-playertitle", "标题");
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", addBar); else addBar();
})();
