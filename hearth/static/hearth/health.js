/* Community health charts: progressive enhancement of the dashboard. Every chart reads the
   JSON the server put in #health-data; its numbers are also in the table under it, so the
   page reads fine without JavaScript. Colours: Okabe–Ito (colour-blind safe) for
   categories, a single-hue blue ramp for quantities.

   Light on first load: the ECharts build (only the chart types and components used here,
   bundled at setup into hearth/charts/echarts-health.js) is fetched when the first chart
   comes near the screen, and each chart is drawn when it does; charts further down cost
   nothing until the reader gets there.

   Names here are members' own words. Axes, legends and labels are SVG text, which is never
   parsed; tooltips are HTML (ECharts sets innerHTML). ECharts escapes its own tooltips, and
   every formatter below returns tooltipLines(...), which escapes each line, so a display
   name like <img onerror=...> shows as those characters. */
(function () {
  "use strict";
  var source = document.getElementById("health-data");
  var root = document.querySelector("[data-charts-src]");

  // The custom range's dates in the page's own format ("8 Nov 2026"), whatever format the
  // browser's date input shows.
  document.querySelectorAll("[data-shows]").forEach(function (shown) {
    var input = document.getElementById(shown.dataset.shows);
    if (!input) return;
    var months = new Intl.DateTimeFormat(document.documentElement.lang || undefined, { month: "short", timeZone: "UTC" });
    input.addEventListener("input", function () {
      var parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(input.value);
      shown.textContent = parts ? Number(parts[3]) + " " + months.format(new Date(Date.UTC(+parts[1], parts[2] - 1, +parts[3]))) + " " + parts[1] : "";
    });
  });

  if (!source || !root) return;
  var data = JSON.parse(source.textContent);
  var css = getComputedStyle(document.documentElement);
  var text = css.getPropertyValue("--text").trim() || "#1b1e23";
  var muted = css.getPropertyValue("--muted").trim() || "#5a6270";
  var border = css.getPropertyValue("--border").trim() || "#dde1e7";
  var fontFamily = getComputedStyle(document.body).fontFamily || "sans-serif";
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  var OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"];
  var BLUES = dark ? ["#1e3a5f", "#2f6aa8", "#5fa2dd", "#a9d1f5"] : ["#c6dbef", "#6baed6", "#2171b5", "#08306b"];
  var WELCOMED = "#009E73";
  var WAITING = "#D55E00";
  var NO_GROUP = dark ? "#7c8594" : "#8a94a6";
  var NARROW = 560; // px of chart width under which charts take their phone layout

  var ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
  function encodeHTML(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) { return ENTITIES[c]; });
  }

  // The only way a formatter builds tooltip HTML: plain-text lines, escaped, one per row.
  function tooltipLines() {
    return Array.prototype.map.call(arguments, encodeHTML).join("<br>");
  }

  function tooltip(extra) {
    return Object.assign({ trigger: "axis", confine: true, className: "health-tooltip" }, extra || {});
  }

  function axisStyle(extra) {
    return Object.assign({
      axisLine: { lineStyle: { color: border } },
      axisLabel: { color: muted, hideOverlap: true },
      splitLine: { lineStyle: { color: border, opacity: 0.6 } },
      nameTextStyle: { color: muted },
    }, extra || {});
  }

  // Legends wrap onto as many rows as they need (never "1/2" pages that hide series); the
  // plot starts below them, so the rows are counted here with the legend's own font.
  var LEGEND_FONT = 12, LEGEND_GAP = 14, LEGEND_ICON = 25, LEGEND_ROW = 26;
  var measure = document.createElement("canvas").getContext("2d");
  function legendRows(names, width) {
    if (!measure) return 1;
    measure.font = LEGEND_FONT + "px " + fontFamily;
    var rows = 1, x = 0, room = width - 10;
    names.forEach(function (name) {
      var item = LEGEND_ICON + 5 + measure.measureText(String(name)).width;
      if (x > 0 && x + item > room) { rows += 1; x = 0; }
      x += item + LEGEND_GAP;
    });
    return rows;
  }

  function legendHeight(names, width) {
    return legendRows(names, width) * LEGEND_ROW;
  }

  function base(option, ctx, names) {
    var top = names ? legendHeight(names, ctx.width) : 0;
    return Object.assign({
      color: OKABE_ITO,
      backgroundColor: "transparent",
      aria: { enabled: true },
      // The page's own font, named (not "inherit"): ECharts measures text with it to lay
      // out legends and axis labels, and "inherit" would measure in a default font.
      textStyle: { color: text, fontFamily: fontFamily },
      animation: !still,
      animationDuration: 400,
      tooltip: tooltip(),
      legend: names ? {
        type: "plain", top: 0, left: 0, right: 0, padding: [4, 0], itemGap: LEGEND_GAP,
        textStyle: { color: text, fontSize: LEGEND_FONT },
      } : { show: false },
      grid: { left: 8, right: ctx.narrow ? 12 : 24, top: top + 28, bottom: 8, containLabel: true },
    }, option);
  }

  function shortDays(days) {
    return days.map(function (d) { return d.slice(5); });
  }

  function line(name, values, extra) {
    return Object.assign({ name: name, type: "line", data: values, showSymbol: values.length < 32, symbolSize: 5, smooth: false }, extra || {});
  }

  function seriesNames(series) {
    return series.map(function (s) { return s.name; });
  }

  // Each builder returns an ECharts option for its chart, or null when there is nothing to
  // draw; ctx is {width, narrow} of the chart's box.
  var builders = {
    activity: function (d, ctx) {
      var a = d.activity;
      var series = [
        line("Daily (DAU)", a.dau, { areaStyle: { opacity: 0.12 } }),
        line("Weekly (WAU)", a.wau),
        line("Monthly (MAU)", a.mau),
        line("Stickiness %", a.stickiness, { yAxisIndex: 1, lineStyle: { type: "dashed", width: 2 }, color: "#D55E00" }),
      ];
      return base({
        xAxis: axisStyle({ type: "category", data: shortDays(d.days), boundaryGap: false }),
        yAxis: [axisStyle({ type: "value", name: "members", minInterval: 1, nameTextStyle: { color: muted, align: "left" } }),
                axisStyle({ type: "value", name: "stickiness %", max: 100, splitLine: { show: false }, nameTextStyle: { color: muted, align: "right" } })],
        series: series,
      }, ctx, seriesNames(series));
    },
    interactions: function (d, ctx) {
      var series = [
        { name: "Between members", type: "bar", stack: "all", data: d.interactions.members, color: "#009E73" },
        { name: "With staff", type: "bar", stack: "all", data: d.interactions.staff, color: "#56B4E9" },
      ];
      return base({
        xAxis: axisStyle({ type: "category", data: shortDays(d.days) }),
        yAxis: axisStyle({ type: "value", minInterval: 1 }),
        series: series,
      }, ctx, seriesNames(series));
    },
    newcomers: function (d, ctx) {
      var series = [
        { name: "Welcomed within 24 h", type: "bar", stack: "all", data: d.newcomers.welcomed, color: WELCOMED },
        { name: "No reply within 24 h", type: "bar", stack: "all", data: d.newcomers.waiting, color: WAITING,
          itemStyle: { decal: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [2, 3], rotation: -0.8, color: "rgba(255,255,255,0.35)" } } },
      ];
      return base({
        xAxis: axisStyle({ type: "category", data: shortDays(d.days) }),
        yAxis: axisStyle({ type: "value", minInterval: 1 }),
        series: series,
      }, ctx, seriesNames(series));
    },
    response: function (d, ctx) {
      var r = d.response;
      var hours = function (p) { return p.value == null ? "—" : p.value + " h"; };
      var series = [
        { name: "Median", type: "bar", data: r.median, color: "#0072B2", label: { show: true, position: "right", color: text, formatter: hours } },
        { name: "Mean", type: "bar", data: r.mean, color: "#E69F00", label: { show: true, position: "right", color: text, formatter: hours } },
      ];
      var option = base({
        tooltip: tooltip({ valueFormatter: function (v) { return v == null ? "—" : v + " h"; } }),
        xAxis: axisStyle({ type: "value", axisLabel: { color: muted, hideOverlap: true, formatter: "{value} h" } }),
        yAxis: axisStyle({ type: "category", data: r.labels }),
        series: series,
      }, ctx, seriesNames(series));
      option.grid.right = 48;  // room for the labels past the longest bar
      return option;
    },
    retention: function (d, ctx) {
      var r = d.retention;
      if (!r.cohorts.length) return null;
      var cells = r.cells.map(function (c) {
        var v = c[2];
        return { value: [c[0], c[1], v == null ? "-" : v], label: { color: v != null && v >= 55 ? "#ffffff" : text } };
      });
      return base({
        tooltip: tooltip({ trigger: "item", formatter: function (p) {
          var v = p.value[2];
          return tooltipLines("Joined week of " + r.cohorts[p.value[1]] + " (" + r.sizes[p.value[1]] + ")",
                              r.weeks[p.value[0]] + ": " + (v === "-" ? "not reached yet" : v + "% active"));
        } }),
        grid: { left: 8, right: ctx.narrow ? 8 : 16, top: 16, bottom: 56, containLabel: true },
        xAxis: axisStyle({ type: "category", data: r.weeks, splitArea: { show: false }, axisLabel: { color: muted, interval: 0, fontSize: ctx.narrow ? 11 : 12 } }),
        yAxis: axisStyle({ type: "category", inverse: true, data: r.cohorts.map(function (w, i) { return w.slice(5) + " (" + r.sizes[i] + ")"; }) }),
        visualMap: { min: 0, max: 100, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: ctx.narrow ? 120 : 200,
                     text: ["100%", "0%"], textStyle: { color: muted }, inRange: { color: ["#eff3ff", "#9ecae1", "#3182bd", "#08306b"] } },
        series: [{ type: "heatmap", data: cells, label: { show: true, fontSize: ctx.narrow ? 11 : 12, formatter: function (p) { return p.value[2] === "-" ? "—" : Math.round(p.value[2]) + "%"; } },
                   itemStyle: { borderColor: dark ? "#1a1d23" : "#ffffff", borderWidth: 2 }, emphasis: { itemStyle: { borderColor: text } } }],
      }, ctx);
    },
    ladder: function (d, ctx) {
      var l = d.ladder;
      var series = l.levels.map(function (level, i) {
        return { name: level, type: "bar", stack: "levels", data: l.counts[i], color: BLUES[i], barMaxWidth: 48 };
      });
      return base({
        xAxis: axisStyle({ type: "category", data: l.boundaries.map(function (b) { return b.slice(5); }) }),
        yAxis: axisStyle({ type: "value", minInterval: 1, name: "members", nameTextStyle: { color: muted, align: "left" } }),
        series: series,
      }, ctx, seriesNames(series));
    },
    flows: function (d, ctx) {
      var flows = d.ladder.flows;
      if (!flows.length) return null;
      // Sources keep the level's name, targets get an arrow: ECharts needs unique names.
      var colour = {};
      d.ladder.levels.forEach(function (level, i) { colour[level] = BLUES[i]; colour["→ " + level] = BLUES[i]; });
      var names = {};
      var links = flows.map(function (f) {
        names[f.source] = true;
        names["→ " + f.target] = true;
        return { source: f.source, target: "→ " + f.target, value: f.value };
      });
      return base({
        tooltip: tooltip({ trigger: "item", formatter: function (p) {
          if (p.dataType === "edge") return tooltipLines(p.data.source + " " + p.data.target + ": " + p.data.value);
          return tooltipLines(p.name);
        } }),
        series: [{
          type: "sankey", left: 8, right: ctx.narrow ? 96 : 120, top: 16, bottom: 16, nodeGap: 12, draggable: false,
          data: Object.keys(names).map(function (n) { return { name: n, itemStyle: { color: colour[n] || NO_GROUP } }; }),
          links: links,
          label: { color: text, fontSize: ctx.narrow ? 11 : 12 },
          lineStyle: { color: "source", opacity: 0.3 },
        }],
      }, ctx);
    },
    funnel: function (d, ctx) {
      // Horizontal bars on a logarithmic scale, each labelled with its exact number: the
      // later stages are a few people out of hundreds of visitors, and on a linear scale
      // they would be slivers.
      var f = d.funnel;
      if (!f.sources.length) return null;
      var names = f.sources.map(function (s) { return s.name; });
      var barHeight = ctx.narrow ? 12 : 14;
      var series = f.sources.map(function (s) {
        return {
          name: s.name, type: "bar", barMaxWidth: barHeight, barGap: "15%", barCategoryGap: "28%",
          // Log bars start at 1: twice the count puts that start at half a person, so a
          // single person's bar is as long as the step from 1 to 2. Nobody (or a stage not
          // measured) is a bar of no length, still labelled.
          data: s.counts.map(function (v) { return { value: v > 0 ? 2 * v : 1, count: v }; }),
          label: { show: true, position: "right", color: muted, fontSize: 11,
                   formatter: function (p) { return p.data.count == null ? "not measured" : String(p.data.count); } },
        };
      });
      return base({
        tooltip: tooltip({ formatter: function (params) {
          return tooltipLines.apply(null, [params[0].name].concat(params.map(function (p) {
            return p.seriesName + ": " + (p.data.count == null ? "not measured" : p.data.count);
          })));
        } }),
        xAxis: axisStyle({ type: "log", min: 1, logBase: 10, axisLabel: { show: false }, axisTick: { show: false }, splitLine: { show: false } }),
        yAxis: axisStyle({ type: "category", inverse: true, data: f.stages, axisLabel: { color: muted, fontSize: ctx.narrow ? 11 : 12 } }),
        series: series,
      }, ctx, names);
    },
    graph: function (d, ctx) {
      var g = d.graph;
      if (!g.nodes.length) return null;
      var maxWeight = Math.max.apply(null, g.nodes.map(function (n) { return n.weight; }).concat([1]));
      // Names only for the most connected members (fewer on a phone); hovering any node
      // names it in the tooltip, and the table under the chart lists everyone.
      var labelled = {};
      g.nodes.filter(function (n) { return n.url; })
        .sort(function (a, b) { return b.weight - a.weight; })
        .slice(0, ctx.narrow ? 3 : 8)
        .forEach(function (n) { labelled[n.id] = true; });
      var margin = ctx.narrow ? { left: 24, right: 24, top: 20, bottom: 32 } : { left: 32, right: 130, top: 32, bottom: 32 };
      // The layout's coordinates stretched to the box's own shape: ECharts fits them to the
      // box and would otherwise draw round members as ellipses.
      var place = function (key, size) {
        var values = g.nodes.map(function (n) { return n[key]; });
        var min = Math.min.apply(null, values), span = Math.max.apply(null, values) - min;
        return function (v) { return span ? (v - min) / span * size : size / 2; };
      };
      var px = place("x", Math.max(1, ctx.width - margin.left - margin.right));
      var py = place("y", Math.max(1, ctx.height - margin.top - margin.bottom));
      var nodes = g.nodes.map(function (n) {
        var colour = n.cluster ? OKABE_ITO[(n.cluster - 1) % OKABE_ITO.length] : NO_GROUP;
        var scale = ctx.narrow ? 0.7 : 1;
        return {
          id: n.id, name: n.name, x: px(n.x), y: py(n.y), value: n.weight, url: n.url,
          symbol: n.staff ? "diamond" : "circle",
          symbolSize: scale * (10 + 26 * Math.sqrt(n.weight / maxWeight)),
          itemStyle: { color: colour, borderColor: n.staff ? text : (dark ? "#1a1d23" : "#ffffff"), borderWidth: n.staff ? 2 : 1 },
          label: { show: !!labelled[n.id] },
          cursor: n.url ? "pointer" : "default",
        };
      });
      var maxEdge = Math.max.apply(null, g.edges.map(function (e) { return e.weight; }).concat([1]));
      var edges = g.edges.map(function (e) {
        return { source: e.source, target: e.target, value: e.weight, lineStyle: { width: 0.6 + (ctx.narrow ? 3 : 4) * Math.sqrt(e.weight / maxEdge) } };
      });
      return base({
        tooltip: tooltip({ trigger: "item", formatter: function (p) {
          if (p.dataType === "edge") return tooltipLines("Interaction weight " + p.data.value);
          return tooltipLines(p.data.name, "weight " + p.data.value + (p.data.symbol === "diamond" ? " · staff" : ""));
        } }),
        series: [{
          type: "graph", layout: "none", data: nodes, links: edges, roam: !ctx.narrow,
          left: margin.left, right: margin.right, top: margin.top, bottom: margin.bottom,
          label: { position: ctx.narrow ? "bottom" : "right", color: text, fontSize: ctx.narrow ? 11 : 12,
                   width: ctx.narrow ? 110 : 160, overflow: "truncate",
                   backgroundColor: dark ? "rgba(26,29,35,0.8)" : "rgba(255,255,255,0.8)", padding: [1, 3], borderRadius: 3 },
          labelLayout: { hideOverlap: true },
          lineStyle: { color: muted, opacity: 0.35, curveness: 0.08 },
          emphasis: { focus: "adjacency", lineStyle: { opacity: 0.9 } },
        }],
      }, ctx);
    },
    deflection: function (d, ctx) {
      // The benefits tab: questions solved per day (bars, members and staff stacked) and
      // the views of solved answers (a line on its own axis: views outnumber questions).
      var f = d.deflection;
      if (!f) return null;
      var series = [
        { name: "Solved by members", type: "bar", stack: "solved", data: f.members, color: "#009E73", barMaxWidth: 18 },
        { name: "Solved by staff", type: "bar", stack: "solved", data: f.staff, color: "#56B4E9", barMaxWidth: 18 },
        line("Answer views", f.views, { yAxisIndex: 1, color: "#0072B2", lineStyle: { width: 2 } }),
      ];
      return base({
        xAxis: axisStyle({ type: "category", data: shortDays(f.days) }),
        yAxis: [axisStyle({ type: "value", name: "questions", minInterval: 1, nameTextStyle: { color: muted, align: "left" } }),
                axisStyle({ type: "value", name: "views", minInterval: 1, splitLine: { show: false }, nameTextStyle: { color: muted, align: "right" } })],
        series: series,
      }, ctx, seriesNames(series));
    },
    audience: function (d, ctx) {
      var a = d.audience;
      var series = [line("Page views", a.views, { color: "#8a94a6", areaStyle: { opacity: 0.1 } }),
                    line("Unique visitors", a.visitors, { color: "#CC79A7" })];
      return base({
        xAxis: axisStyle({ type: "category", data: shortDays(a.days), boundaryGap: false }),
        yAxis: axisStyle({ type: "value", minInterval: 1 }),
        series: series,
      }, ctx, seriesNames(series));
    },
  };

  // The funnel grows with its sources so that every bar keeps its height on a phone.
  function fitHeight(node, option) {
    if (node.dataset.chart !== "funnel") return;
    var rows = option.yAxis.data.length;
    var perRow = option.series.length * (option.series[0].barMaxWidth + 3) + 12;
    node.style.height = Math.max(260, option.grid.top + rows * perRow + 16) + "px";
  }

  function context(node) {
    var width = node.clientWidth || root.clientWidth || window.innerWidth;
    return { width: width, height: node.clientHeight || 300, narrow: width < NARROW };
  }

  // The ECharts build, fetched once, when the first chart is about to be seen.
  var loading = null;
  function loadECharts() {
    if (window.echarts) return Promise.resolve(window.echarts);
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = root.dataset.chartsSrc;
        script.async = true;
        script.addEventListener("load", function () { if (window.echarts) resolve(window.echarts); else reject(new Error("no echarts")); });
        script.addEventListener("error", reject);
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  var drawn = [];
  function draw(item) {
    var node = item.node;
    var ctx = context(node);
    if (ctx.width !== item.width) {  // the window was resized before the chart was drawn
      item.width = ctx.width;
      item.option = item.build(data, ctx);
      fitHeight(node, item.option);
    }
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption(item.option);
    node.classList.remove("chart--waiting");
    item.chart = chart;
    drawn.push(item);
    if (node.dataset.chart === "graph") {
      chart.on("click", function (p) {
        if (p.dataType === "node" && p.data.url) window.location.assign(p.data.url);
      });
    }
    if (node.dataset.chart === "retention" && data.links && data.links.cohort) {
      chart.on("click", function (p) {
        var week = data.retention.cohorts[p.value[1]];
        if (week) window.location.assign(data.links.cohort + encodeURIComponent(week));
      });
    }
  }

  function show(item) {
    if (item.requested) return;
    item.requested = true;
    loadECharts().then(function () { draw(item); }, function () {
      // No chart build (not installed, or offline): the tables carry the numbers.
      item.node.hidden = true;
      var note = document.querySelector('[data-note-for="' + item.node.dataset.chart + '"]');
      if (note) note.hidden = true;
    });
  }

  // Reserve each chart's box now (no layout shift later), draw it when it nears the screen.
  var items = [];
  document.querySelectorAll("[data-chart]").forEach(function (node) {
    var build = builders[node.dataset.chart];
    if (!build) return;
    node.hidden = false;
    var ctx = context(node);
    var option = build(data, ctx);
    if (!option) { node.hidden = true; return; }
    fitHeight(node, option);
    node.classList.add("chart--waiting");
    var note = document.querySelector('[data-note-for="' + node.dataset.chart + '"]');
    if (note) note.hidden = false;
    items.push({ node: node, build: build, option: option, width: ctx.width });
  });
  if (!items.length) return;

  if ("IntersectionObserver" in window) {
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        items.forEach(function (item) { if (item.node === entry.target) show(item); });
      });
    }, { rootMargin: "300px 0px" });
    items.forEach(function (item) { observer.observe(item.node); });
  } else {
    items.forEach(show);
  }

  // A new width may change a chart's layout (legend rows, phone layout): rebuild it.
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      drawn.forEach(function (item) {
        var ctx = context(item.node);
        if (ctx.width !== item.width) {
          item.width = ctx.width;
          item.option = item.build(data, ctx);
          fitHeight(item.node, item.option);
          item.chart.setOption(item.option, { notMerge: true });
        }
        item.chart.resize();
      });
    }, 150);
  });
})();
