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
      var shown = fitToWidth(figure, target.clientWidth);
      // One object with the frames: Plotly.newPlot(el, data, layout, config) would drop them,
      // and animation buttons and sliders would have nothing to play.
      window.Plotly.newPlot(target, {
        data: shown.data || [],
        layout: shown.layout || {},
        frames: figure.frames || [],
        config: figure.config || {}
      });
      refitOnResize(target, figure);
    });
  }

  /* Responsive charts. frstory.charts stores, in layout.meta.frstory.layouts, the layouts it
     computed for narrower widths (labels placed without collisions at that width). Show the
     layout of the widest breakpoint that fits the container: on a wider container anchors only
     move apart, so labels stay clear of each other and inside the chart. */
  function chooseLayout(figure, width) {
    var info = (figure.layout && figure.layout.meta && figure.layout.meta.frstory) || {};
    var variants = info.layouts || [];
    if (!variants.length || !info.width || width >= info.width) { return null; }
    var chosen = null, smallest = null;
    variants.forEach(function (v) {
      if (v.width <= width && (!chosen || v.width > chosen.width)) { chosen = v; }
      if (!smallest || v.width < smallest.width) { smallest = v; }
    });
    return chosen || smallest;
  }

  function fitToWidth(figure, width) {
    var variant = chooseLayout(figure, width);
    var layout = Object.assign({}, figure.layout || {});
    var data = figure.data || [];
    if (variant) {
      Object.keys(variant.layout || {}).forEach(function (key) {
        if (variant.layout[key] === null) { delete layout[key]; } else { layout[key] = variant.layout[key]; }
      });
      if (variant.replace_data) {
        data = variant.data;
      } else if (variant.data) {
        data = data.map(function (trace, i) { return Object.assign({}, trace, variant.data[i] || {}); });
      }
    }
    return { data: data, layout: layout, variant: variant ? variant.width : 0 };
  }

  function reserveHeight(target, layout) {
    /* The page reserved the design height; a narrow layout may be shorter (or taller). */
    if (layout && layout.height) { target.style.minHeight = layout.height + "px"; }
  }

  function refitOnResize(target, figure) {
    var first = fitToWidth(figure, target.clientWidth);
    reserveHeight(target, first.layout);
    if (!window.ResizeObserver) { return; }
    var current = first.variant;
    var observer = new ResizeObserver(function () {
      var shown = fitToWidth(figure, target.clientWidth);
      if (shown.variant === current) { return; }
      current = shown.variant;
      reserveHeight(target, shown.layout);
      window.Plotly.react(target, shown.data, shown.layout, figure.config || {});
    });
    observer.observe(target);
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
