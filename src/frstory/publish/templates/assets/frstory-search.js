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
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
