/* frstory story pages: draw every plotly figure from its JSON and add the "show all code" toggle.
   Loaded with `defer` after assets/plotly.min.js; no network access, no inline scripts. */
(function () {
  "use strict";

  function drawFigures() {
    var nodes = document.querySelectorAll("script[type='application/json'][data-fr-figure]");
    Array.prototype.forEach.call(nodes, function (node) {
      var target = document.getElementById(node.getAttribute("data-fr-figure"));
      if (!target || !window.Plotly) { return; }
      var figure;
      try {
        figure = JSON.parse(node.textContent);
      } catch (err) {
        target.setAttribute("data-fr-error", "figure data could not be read");
        return;
      }
      var fallback = target.querySelector(".fr-chart__fallback");
      if (fallback) { fallback.remove(); }
      // One object with the frames: Plotly.newPlot(el, data, layout, config) would drop them,
      // and animation buttons and sliders would have nothing to play.
      window.Plotly.newPlot(target, {
        data: figure.data || [],
        layout: figure.layout || {},
        frames: figure.frames || [],
        config: figure.config || {}
      });
    });
  }

  function codeToggle() {
    var button = document.querySelector(".fr-toggle-code");
    var blocks = document.querySelectorAll("details.fr-code");
    if (!button || !blocks.length) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = button.getAttribute("aria-pressed") !== "true";
      Array.prototype.forEach.call(blocks, function (d) { d.open = open; });
      button.setAttribute("aria-pressed", open ? "true" : "false");
      button.textContent = open ? "Hide all code" : "Show all code";
    });
  }

  drawFigures();
  codeToggle();
})();
