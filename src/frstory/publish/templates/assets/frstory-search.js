/* frstory search page: Pagefind's own UI over the static index in pagefind/ (built by
   `frstory build`). Pagefind loads its index and WebAssembly with fetch(), which browsers refuse
   for file:// pages, so a page opened from disk explains how to serve the folder instead. */
(function () {
  "use strict";
  function start() {
    var offline = document.querySelector(".fr-search__offline");
    if (window.location.protocol === "file:" || typeof window.PagefindUI !== "function") {
      if (offline) { offline.hidden = false; }
      return;
    }
    new window.PagefindUI({ element: "#fr-search", showSubResults: true, showImages: false,
                            resetStyles: false, autofocus: true });
    // Pagefind's input is named only by its title attribute: give it a proper accessible name.
    var tries = 0;
    (function name() {
      var input = document.querySelector("#fr-search input[type=text], #fr-search input");
      if (input) { input.setAttribute("aria-label", "Search the stories"); }
      else if (tries++ < 50) { window.setTimeout(name, 20); }
    }());
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
