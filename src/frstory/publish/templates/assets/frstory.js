/* frstory story pages: show every chart, add the "show all code" toggle.
   Fast first chart: each chart arrives as a static image drawn at build time (a <picture> in
   .fr-chart[data-fr-static]), painted at once. plotly.min.js (4.8 MB) is loaded on demand, after
   the first frame, and then each interactive chart ("hydrated", class fr-chart-live) replaces
   its image. A page that loads plotly itself
   (window.Plotly already defined) gets every chart drawn at once, as before. Dark mode
   (prefers-color-scheme) draws live charts with the dark house colours. No network access
   beyond the site's own files, no inline scripts; works from file://. */
(function () {
  "use strict";

  var SCRIPT_URL = document.currentScript ? document.currentScript.src : "";
  var darkQuery = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;
  var plotlyWaiters = null;
  var live = [];

  function figureNodes() {
    return document.querySelectorAll("script[type='application/json'][data-fr-figure]");
  }

  /* plotly.min.js sits next to this script (assets/): load it once, on demand. */
  function withPlotly(callback) {
    if (window.Plotly) { callback(); return; }
    if (plotlyWaiters) { plotlyWaiters.push(callback); return; }
    plotlyWaiters = [callback];
    var script = document.createElement("script");
    script.src = SCRIPT_URL ? SCRIPT_URL.replace(/[^\/]*$/, "plotly.min.js") : "assets/plotly.min.js";
    script.async = true;
    script.onload = function () {
      var waiting = plotlyWaiters;
      plotlyWaiters = [];
      waiting.forEach(function (fn) { fn(); });
    };
    document.head.appendChild(script);
  }

  /* The dark house colours (frstory.charts.theme.DARK_COLORS, light -> dark), written into this
     file by the site build (once per site, not once per chart); a figure's own data-fr-dark
     attribute, if it has one, wins. */
  var DARK_COLOURS = /*frstory:dark-colours*/null;

  function darkTable(node) {
    var own = node.getAttribute("data-fr-dark");
    if (!own) { return DARK_COLOURS; }
    try { return JSON.parse(own); } catch (err) { return DARK_COLOURS; }
  }

  function recolour(value, table) {
    if (Array.isArray(value)) { return value.map(function (v) { return recolour(v, table); }); }
    if (value && typeof value === "object") {
      var out = {};
      Object.keys(value).forEach(function (k) { out[k] = k === "meta" ? value[k] : recolour(value[k], table); });
      return out;
    }
    if (typeof value === "string" && value.length < 40) {
      var key = value.replace(/ /g, "").toLowerCase();
      return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : value;
    }
    return value;
  }

  /* The figure as shown: the layout for the container's width, in the reader's colour scheme. */
  function display(chart) {
    var shown = fitToWidth(chart.figure, chart.target.clientWidth);
    if (chart.dark && darkQuery && darkQuery.matches) {
      shown.data = recolour(shown.data, chart.dark);
      shown.layout = recolour(shown.layout, chart.dark);
    }
    return shown;
  }

  /* A plotly template that several charts of the page share is written once, in
     #fr-templates (frstory.publish.page_templates); each figure names it. Parsed anew for each
     figure, so no two charts hold one object that plotly might change. */
  function restoreTemplate(figure) {
    var layout = figure && figure.layout;
    var ref = layout && layout.template && layout.template["frstory:template"];
    if (!ref) { return; }
    var node = document.getElementById("fr-templates");
    var table = {};
    try { table = node ? JSON.parse(node.textContent) : {}; } catch (err) { table = {}; }
    if (Object.prototype.hasOwnProperty.call(table, ref)) { layout.template = table[ref]; }
    else { delete layout.template; }
  }

  function hydrate(node) {
    if (node.getAttribute("data-fr-drawn")) { return; }
    node.setAttribute("data-fr-drawn", "1");
    var target = document.getElementById(node.getAttribute("data-fr-figure"));
    if (!target || !window.Plotly) { return; }
    var figure;
    try {
      figure = JSON.parse(node.textContent);
      restoreTemplate(figure);
    } catch (err) {
      target.setAttribute("data-fr-error", "figure data could not be read");
      return;
    }
    var fallback = target.querySelector(".fr-chart__fallback");
    if (fallback) { fallback.remove(); }
    var still = target.querySelector(".fr-chart-static");
    // The image stays on top while plotly draws underneath, so nothing flickers or jumps.
    if (still) { target.classList.add("fr-chart--hydrating"); }
    var chart = { target: target, figure: figure, dark: darkTable(node) };
    var shown = display(chart);
    reserveHeight(target, shown.layout);
    // One object with the frames: Plotly.newPlot(el, data, layout, config) would drop them,
    // and animation buttons and sliders would have nothing to play.
    var drawn = window.Plotly.newPlot(target, {
      data: shown.data || [],
      layout: shown.layout || {},
      frames: figure.frames || [],
      config: figure.config || {}
    });
    target.classList.add("fr-chart-live");
    var done = function () {
      // The image stays in the page, hidden on screen, so that printing shows it (frstory.css).
      if (still) { still.classList.add("fr-chart-static--print"); }
      target.classList.remove("fr-chart--hydrating");
      target.removeAttribute("data-fr-static");
    };
    if (drawn && drawn.then) { drawn.then(done, done); } else { done(); }
    live.push(chart);
    refitOnResize(chart);
  }

  /* Every chart becomes interactive in one go, once plotly has loaded (after the first frame,
     see below), so a reader never meets a page where some charts respond and others do
     not. Hydrating only the charts near the viewport (IntersectionObserver) was tried: it left
     charts further down static until scrolled to, which surprised readers and scripts alike. */
  function drawFigures() {
    var nodes = Array.prototype.slice.call(figureNodes());
    if (!nodes.length) { return; }
    withPlotly(function () { nodes.forEach(hydrate); });
  }

  function restyleOnSchemeChange() {
    if (!darkQuery) { return; }
    var onChange = function () {
      live.forEach(function (chart) {
        var shown = display(chart);
        window.Plotly.react(chart.target, shown.data, shown.layout, chart.figure.config || {});
      });
    };
    if (darkQuery.addEventListener) { darkQuery.addEventListener("change", onChange); }
    else if (darkQuery.addListener) { darkQuery.addListener(onChange); }
  }

  /* An embed page (embed/*.html) tells the page that frames it how tall it is. */
  function postEmbedHeight() {
    if (!document.documentElement.hasAttribute("data-fr-embed") || window.parent === window) { return; }
    var last = 0;
    var post = function () {
      var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
      if (height === last) { return; }
      last = height;
      window.parent.postMessage({ "frstory-embed-height": height }, "*");
    };
    post();
    window.addEventListener("load", post);
    if (window.ResizeObserver) { new ResizeObserver(post).observe(document.body); }
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

  /* A layout is stored as a patch of the full one (frstory.charts.responsive.merge_patch): objects
     are patched key by key (null removes a key), {"$items": [...]} patches a list item by item
     (the list takes its length), anything else replaces. */
  function applyPatch(base, patch) {
    var isObject = function (v) { return v !== null && typeof v === "object" && !Array.isArray(v); };
    if (isObject(patch) && Array.isArray(base) && Object.keys(patch).length === 1 && Array.isArray(patch["$items"])) {
      return patch["$items"].map(function (change, i) { return applyPatch(i < base.length ? base[i] : null, change); });
    }
    if (isObject(patch)) {
      var out = Object.assign({}, isObject(base) ? base : {});
      Object.keys(patch).forEach(function (key) {
        if (patch[key] === null) { delete out[key]; } else { out[key] = applyPatch(out[key], patch[key]); }
      });
      return out;
    }
    return patch;
  }

  function fitToWidth(figure, width) {
    var variant = chooseLayout(figure, width);
    var layout = Object.assign({}, figure.layout || {});
    var data = figure.data || [];
    if (variant) {
      if (variant.patch) { layout = applyPatch(layout, variant.patch); }
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

  function refitOnResize(chart) {
    var target = chart.target;
    var first = display(chart);
    reserveHeight(target, first.layout);
    if (!window.ResizeObserver) { return; }
    var current = first.variant;
    var observer = new ResizeObserver(function () {
      var shown = display(chart);
      if (shown.variant === current) { return; }
      current = shown.variant;
      reserveHeight(target, shown.layout);
      window.Plotly.react(target, shown.data, shown.layout, chart.figure.config || {});
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

  // Hydrate after the first frame, so the static images are laid out and shown before plotly
  // (seconds of parsing on a slow phone) takes the main thread. Waiting for the load event too
  // made no difference to the first chart (benchmarks/bench_first_chart.py) and delayed the
  // interactive charts by the whole image download.
  if (window.Plotly || !window.requestAnimationFrame) { drawFigures(); }
  else { window.requestAnimationFrame(function () { window.setTimeout(drawFigures, 0); }); }
  restyleOnSchemeChange();
  postEmbedHeight();
  codeToggle();
  // Chart images after the first load lazily (the browser fetches each as it nears the screen);
  // printing needs them all, including those of hydrated charts, hidden on screen.
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("img[loading='lazy']"), function (img) {
      img.loading = "eager";
    });
  });
  printFoldedOutput();

  // Paper cannot be clicked open: what a cell printed and folded away (the lines in the middle of a
  // long printout, a traceback) is opened for printing and closed again afterwards, as the reader
  // left it. Folded code stays folded: the print stylesheet leaves code out of the story on paper.
  function printFoldedOutput() {
    var opened = [];
    window.addEventListener("beforeprint", function () {
      Array.prototype.forEach.call(
        document.querySelectorAll("details.fr-output__fold:not([open]), details.fr-error__traceback:not([open])"),
        function (d) { d.open = true; opened.push(d); });
    });
    window.addEventListener("afterprint", function () {
      opened.forEach(function (d) { d.open = false; });
      opened = [];
    });
  }
})();
