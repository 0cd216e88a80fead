/* Community health charts: progressive enhancement of the dashboard. Every chart reads the
   JSON the server put in #health-data; its numbers are also in the table under it, so the
   page reads fine without JavaScript. Colours: Okabe–Ito (colour-blind safe) for
   categories, a single-hue blue ramp for quantities.

   Names here are members' own words. Axes, legends and labels are SVG text, which is never
   parsed; tooltips are HTML (ECharts sets innerHTML). ECharts escapes its own tooltips, and
   every formatter below returns tooltipLines(...), which escapes each line, so a display
   name like <img onerror=...> shows as those characters. */
(function () {
  "use strict";
  var source = document.getElementById("health-data");
  if (!source || !window.echarts) return;
  var data = JSON.parse(source.textContent);
  var css = getComputedStyle(document.documentElement);
  var text = css.getPropertyValue("--text").trim() || "#1b1e23";
  var muted = css.getPropertyValue("--muted").trim() || "#5a6270";
  var border = css.getPropertyValue("--border").trim() || "#dde1e7";
  var dark = window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches;
  var narrow = window.innerWidth < 700;
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  var OKABE_ITO = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"];
  var BLUES = dark ? ["#1e3a5f", "#2f6aa8", "#5fa2dd", "#a9d1f5"] : ["#c6dbef", "#6baed6", "#2171b5", "#08306b"];
  var WELCOMED = "#009E73";
  var WAITING = "#D55E00";
  var NO_GROUP = dark ? "#7c8594" : "#8a94a6";

  var encodeHTML = window.echarts.format.encodeHTML;

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

  function base(option) {
    return Object.assign({
      color: OKABE_ITO,
      backgroundColor: "transparent",
      aria: { enabled: true },
      textStyle: { color: text, fontFamily: "inherit" },
      animation: !still,
      animationDuration: 400,
      tooltip: tooltip(),
      legend: { top: 0, textStyle: { color: text }, type: "scroll", itemGap: 18 },
      grid: { left: 16, right: 24, top: 44, bottom: 8, containLabel: true },
    }, option);
  }

  function shortDays(days) {
    return days.map(function (d) { return d.slice(5); });
  }

  function line(name, values, extra) {
    return Object.assign({ name: name, type: "line", data: values, showSymbol: values.length < 32, symbolSize: 5, smooth: false }, extra || {});
  }

  var builders = {
    activity: function (d) {
      var a = d.activity;
      return base({
        xAxis: axisStyle({ type: "category", data: shortDays(d.days), boundaryGap: false }),
        yAxis: [axisStyle({ type: "value", name: "members", minInterval: 1 }),
                axisStyle({ type: "value", name: "stickiness %", max: 100, splitLine: { show: false } })],
        series: [
          line("Daily (DAU)", a.dau, { areaStyle: { opacity: 0.12 } }),
          line("Weekly (WAU)", a.wau),
          line("Monthly (MAU)", a.mau),
          line("Stickiness %", a.stickiness, { yAxisIndex: 1, lineStyle: { type: "dashed", width: 2 }, color: "#D55E00" }),
        ],
      });
    },
    interactions: function (d) {
      return base({
        xAxis: axisStyle({ type: "category", data: shortDays(d.days) }),
        yAxis: axisStyle({ type: "value", minInterval: 1 }),
        series: [
          { name: "Between members", type: "bar", stack: "all", data: d.interactions.members, color: "#009E73" },
          { name: "With staff", type: "bar", stack: "all", data: d.interactions.staff, color: "#56B4E9" },
        ],
      });
    },
    newcomers: function (d) {
      return base({
        xAxis: axisStyle({ type: "category", data: shortDays(d.days) }),
        yAxis: axisStyle({ type: "value", minInterval: 1 }),
        series: [
          { name: "Welcomed within 24 h", type: "bar", stack: "all", data: d.newcomers.welcomed, color: WELCOMED },
          { name: "No reply within 24 h", type: "bar", stack: "all", data: d.newcomers.waiting, color: WAITING,
            itemStyle: { decal: { symbol: "rect", dashArrayX: [1, 0], dashArrayY: [2, 3], rotation: -0.8, color: "rgba(255,255,255,0.35)" } } },
        ],
      });
    },
    response: function (d) {
      var r = d.response;
      return base({
        tooltip: tooltip({ valueFormatter: function (v) { return v == null ? "—" : v + " h"; } }),
        xAxis: axisStyle({ type: "value", name: "hours" }),
        yAxis: axisStyle({ type: "category", data: r.labels }),
        series: [
          { name: "Median", type: "bar", data: r.median, color: "#0072B2", label: { show: true, position: "right", color: text, formatter: function (p) { return p.value == null ? "—" : p.value + " h"; } } },
          { name: "Mean", type: "bar", data: r.mean, color: "#E69F00", label: { show: true, position: "right", color: text, formatter: function (p) { return p.value == null ? "—" : p.value + " h"; } } },
        ],
      });
    },
    retention: function (d) {
      var r = d.retention;
      if (!r.cohorts.length) return null;
      var cells = r.cells.map(function (c) {
        var v = c[2];
        return { value: [c[0], c[1], v == null ? "-" : v], label: { color: v != null && v >= 55 ? "#ffffff" : text } };
      });
      return base({
        legend: { show: false },
        tooltip: tooltip({ trigger: "item", formatter: function (p) {
          var v = p.value[2];
          return tooltipLines("Joined week of " + r.cohorts[p.value[1]] + " (" + r.sizes[p.value[1]] + ")",
                              r.weeks[p.value[0]] + ": " + (v === "-" ? "not reached yet" : v + "% active"));
        } }),
        grid: { left: 8, right: 16, top: 16, bottom: 56, containLabel: true },
        xAxis: axisStyle({ type: "category", data: r.weeks, splitArea: { show: false } }),
        yAxis: axisStyle({ type: "category", inverse: true, data: r.cohorts.map(function (w, i) { return w.slice(5) + " (" + r.sizes[i] + ")"; }) }),
        visualMap: { min: 0, max: 100, calculable: false, orient: "horizontal", left: "center", bottom: 0, itemHeight: narrow ? 120 : 200,
                     text: ["100%", "0%"], textStyle: { color: muted }, inRange: { color: ["#eff3ff", "#9ecae1", "#3182bd", "#08306b"] } },
        series: [{ type: "heatmap", data: cells, label: { show: true, formatter: function (p) { return p.value[2] === "-" ? "—" : Math.round(p.value[2]) + "%"; } },
                   itemStyle: { borderColor: dark ? "#1a1d23" : "#ffffff", borderWidth: 2 }, emphasis: { itemStyle: { borderColor: text } } }],
      });
    },
    ladder: function (d) {
      var l = d.ladder;
      return base({
        xAxis: axisStyle({ type: "category", data: l.boundaries.map(function (b) { return b.slice(5); }) }),
        yAxis: axisStyle({ type: "value", minInterval: 1, name: "members" }),
        series: l.levels.map(function (level, i) {
          return { name: level, type: "bar", stack: "levels", data: l.counts[i], color: BLUES[i], barMaxWidth: 48 };
        }),
      });
    },
    flows: function (d) {
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
        legend: { show: false },
        tooltip: tooltip({ trigger: "item", formatter: function (p) {
          if (p.dataType === "edge") return tooltipLines(p.data.source + " " + p.data.target + ": " + p.data.value);
          return tooltipLines(p.name);
        } }),
        series: [{
          type: "sankey", left: 8, right: 120, top: 16, bottom: 16, nodeGap: 12, draggable: false,
          data: Object.keys(names).map(function (n) { return { name: n, itemStyle: { color: colour[n] || NO_GROUP } }; }),
          links: links,
          label: { color: text },
          lineStyle: { color: "source", opacity: 0.3 },
        }],
      });
    },
    funnel: function (d) {
      var f = d.funnel;
      if (!f.sources.length) return null;
      return base({
        tooltip: tooltip({ valueFormatter: function (v) { return v == null ? "not measured" : v; } }),
        xAxis: axisStyle({ type: "value", minInterval: 1 }),
        yAxis: axisStyle({ type: "category", inverse: true, data: f.stages }),
        series: f.sources.map(function (s) { return { name: s.name, type: "bar", data: s.counts, barMaxWidth: 14 }; }),
      });
    },
    graph: function (d) {
      var g = d.graph;
      if (!g.nodes.length) return null;
      var maxWeight = Math.max.apply(null, g.nodes.map(function (n) { return n.weight; }).concat([1]));
      var groups = {};
      g.nodes.forEach(function (n) { groups[n.cluster] = true; });
      var labelled = 0;
      var nodes = g.nodes.map(function (n) {
        var colour = n.cluster ? OKABE_ITO[(n.cluster - 1) % OKABE_ITO.length] : NO_GROUP;
        var showLabel = n.url && labelled < (narrow ? 4 : 8);
        if (showLabel) labelled += 1;
        return {
          id: n.id, name: n.name, x: n.x, y: n.y, value: n.weight, url: n.url,
          symbol: n.staff ? "diamond" : "circle",
          symbolSize: 10 + 26 * Math.sqrt(n.weight / maxWeight),
          itemStyle: { color: colour, borderColor: n.staff ? text : (dark ? "#1a1d23" : "#ffffff"), borderWidth: n.staff ? 2 : 1 },
          label: { show: showLabel },
          cursor: n.url ? "pointer" : "default",
        };
      });
      var maxEdge = Math.max.apply(null, g.edges.map(function (e) { return e.weight; }).concat([1]));
      var edges = g.edges.map(function (e) {
        return { source: e.source, target: e.target, value: e.weight, lineStyle: { width: 0.6 + 4 * Math.sqrt(e.weight / maxEdge) } };
      });
      return base({
        legend: { show: false },
        tooltip: tooltip({ trigger: "item", formatter: function (p) {
          if (p.dataType === "edge") return tooltipLines("Interaction weight " + p.data.value);
          return tooltipLines(p.data.name, "weight " + p.data.value + (p.data.symbol === "diamond" ? " · staff" : ""));
        } }),
        series: [{
          type: "graph", layout: "none", data: nodes, links: edges, roam: !narrow,
          left: 32, right: 130, top: 32, bottom: 32,
          label: { position: "right", color: text, fontSize: 12 },
          lineStyle: { color: muted, opacity: 0.35, curveness: 0.08 },
          emphasis: { focus: "adjacency", lineStyle: { opacity: 0.9 } },
        }],
      });
    },
    audience: function (d) {
      var a = d.audience;
      return base({
        xAxis: axisStyle({ type: "category", data: shortDays(a.days), boundaryGap: false }),
        yAxis: axisStyle({ type: "value", minInterval: 1 }),
        series: [line("Page views", a.views, { color: "#8a94a6", areaStyle: { opacity: 0.1 } }),
                 line("Unique visitors", a.visitors, { color: "#CC79A7" })],
      });
    },
  };

  var charts = [];
  document.querySelectorAll("[data-chart]").forEach(function (node) {
    var build = builders[node.dataset.chart];
    var option = build && build(data);
    if (!option) return;
    node.hidden = false;
    var chart = window.echarts.init(node, null, { renderer: "svg" });
    chart.setOption(option);
    charts.push(chart);
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
  });
  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 150);
  });
})();
