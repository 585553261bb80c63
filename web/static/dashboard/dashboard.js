// 驾驶舱 and 画像 charts: read the page's JSON endpoint, draw each [data-chart] with ECharts; a click on a segment
// opens the list behind it (each data item carries its url). The tables on the page hold the same numbers.
(function () {
  "use strict";
  var COLOURS = { red: "#e03131", orange: "#f76707", yellow: "#f59f00", warning: "#f59f00", fail: "#e03131",
    green: "#2f9e44", grey: "#adb5bd", blue: "#1c7ed6" };
  var PALETTE = ["#0b5cad", "#2f9e44", "#f59f00", "#e03131", "#7048e8", "#1098ad", "#f76707", "#5c940d",
    "#c2255c", "#495057", "#364fc7", "#087f5b"];
  var charts = [];

  function words() {
    var el = document.getElementById("chart-words");
    return el ? el.dataset : {};
  }

  function uniq(list) {
    var seen = {}, out = [];
    list.forEach(function (x) { if (!seen[x]) { seen[x] = true; out.push(x); } });
    return out;
  }

  function go(params) {
    var url = params.data && params.data.url;
    if (url) { window.location.href = url; }
  }

  function tall(el, rows) {  // a bar per row: the chart grows with its rows instead of squeezing them
    el.style.height = Math.max(160, 60 + rows * 26) + "px";
  }

  function empty(el) {
    el.classList.add("chart-empty");
    el.textContent = words().none || "";
  }

  var builders = {
    stages: function (d) {
      if (!d.stages.length) { return null; }
      var levels = uniq(d.stages.map(function (s) { return s.level_label; }));
      var stages = uniq(d.stages.map(function (s) { return s.label; }));
      return {
        color: PALETTE,
        tooltip: { trigger: "item" }, legend: { type: "scroll", bottom: 0 },
        grid: { left: 8, right: 16, top: 10, bottom: 40, containLabel: true },
        xAxis: { type: "category", data: levels }, yAxis: { type: "value", minInterval: 1 },
        series: stages.map(function (label) {
          return { name: label, type: "bar", stack: "all", data: levels.map(function (level) {
            var s = d.stages.filter(function (x) { return x.label === label && x.level_label === level; })[0];
            return s ? { value: s.count, url: s.url } : { value: 0 };
          }) };
        })
      };
    },
    notices: function (d) {
      var data = d.notices.filter(function (n) { return n.count; }).map(function (n) {
        return { name: n.label, value: n.count, url: n.url, itemStyle: { color: COLOURS[n.colour] } };
      });
      if (!data.length) { return null; }
      return { tooltip: { trigger: "item" }, legend: { bottom: 0 },
        series: [{ type: "pie", radius: ["40%", "70%"], center: ["50%", "45%"], data: data,
          label: { formatter: "{b} {c}" } }] };
    },
    departments: function (d, el) {
      var rows = d.departments.filter(function (r) { return r.rate !== null; });
      if (!rows.length) { return null; }
      tall(el, rows.length);
      return { tooltip: { trigger: "item", formatter: "{b}: {c}%" },
        grid: { left: 8, right: 24, top: 6, bottom: 8, containLabel: true },
        yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.department; }),
          axisLabel: { width: 110, overflow: "truncate" } },
        xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        series: [{ name: words().rate, type: "bar", barMaxWidth: 18, data: rows.map(function (r) {
          return { value: r.rate, url: r.url, itemStyle: { color: r.rate < 80 ? COLOURS.red : COLOURS.green } };
        }) }] };
    },
    trend: function (d) {
      return { tooltip: { trigger: "item", formatter: "{b}: {c}%" },
        grid: { left: 8, right: 16, top: 10, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: d.trend.map(function (m) { return m.month; }) },
        yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        series: [{ name: words().rate, type: "line", connectNulls: true, symbolSize: 9,
          data: d.trend.map(function (m) { return { value: m.rate, url: m.url }; }) }] };
    },
    warnings: function (d, el) {
      if (!d.warnings.length) { return null; }
      var names = uniq(d.warnings.map(function (w) { return w.name; }));
      tall(el, names.length);
      var statuses = uniq(d.warnings.map(function (w) { return w.status; }));
      return { tooltip: { trigger: "item" }, legend: { bottom: 0 },
        grid: { left: 8, right: 16, top: 10, bottom: 36, containLabel: true },
        yAxis: { type: "category", data: names }, xAxis: { type: "value", minInterval: 1 },
        series: statuses.map(function (status) {
          var label = d.warnings.filter(function (w) { return w.status === status; })[0].label;
          return { name: label, type: "bar", stack: "all", itemStyle: { color: COLOURS[status] },
            data: names.map(function (name) {
              var w = d.warnings.filter(function (x) { return x.name === name && x.status === status; })[0];
              return w ? { value: w.count, url: w.url } : { value: 0 };
            }) };
        }) };
    },
    goals: function (d, el) {
      var goals = d.goals.slice(0, 15);
      if (!goals.length) { return null; }
      tall(el, goals.length);
      return { tooltip: { trigger: "item", formatter: "{b}: {c}%" },
        grid: { left: 8, right: 24, top: 10, bottom: 8, containLabel: true },
        yAxis: { type: "category", inverse: true, data: goals.map(function (g) {
          return "G" + g.id + " " + g.subject; }) },
        xAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        series: [{ name: words().attainment, type: "bar", data: goals.map(function (g) {
          return { value: g.attainment === null ? 0 : g.attainment, url: g.url,
            itemStyle: { color: COLOURS[g.colour] || COLOURS.grey } };
        }) }] };
    },
    plans: function (d) {
      if (!d.plans.length) { return null; }
      var w = words();
      var names = d.plans.map(function (p) { return p.name; });
      function part(name, colour, pick) {
        return { name: name, type: "bar", stack: "all", itemStyle: { color: colour },
          data: d.plans.map(function (p) { return { value: pick(p), url: p.url }; }) };
      }
      return { tooltip: { trigger: "item" }, legend: { bottom: 0 },
        grid: { left: 8, right: 24, top: 10, bottom: 36, containLabel: true },
        yAxis: { type: "category", data: names, axisLabel: { width: 140, overflow: "truncate" } },
        xAxis: { type: "value", minInterval: 1 },
        series: [part(w.done, COLOURS.green, function (p) { return p.done; }),
          part(w.late, COLOURS.red, function (p) { return p.late; }),
          part(w.rest, COLOURS.grey, function (p) { return p.total - p.done - p.late; })] };
    },
    series: function (d) {
      var measured = d.series.filter(function (s) { return s.points.length; });
      if (!measured.length) { return null; }
      var periods = uniq([].concat.apply([], measured.map(function (s) {
        return s.points.map(function (p) { return p.period; }); }))).sort();
      return { color: PALETTE, tooltip: { trigger: "axis" }, legend: { type: "scroll", bottom: 0 },
        grid: { left: 8, right: 16, top: 10, bottom: 40, containLabel: true },
        xAxis: { type: "category", data: periods }, yAxis: { type: "value", scale: true },
        series: measured.map(function (s) {
          return { name: s.name + (s.unit ? " (" + s.unit + ")" : ""), type: "line", connectNulls: true,
            symbolSize: 8, data: periods.map(function (period) {
              var p = s.points.filter(function (x) { return x.period === period; })[0];
              return p ? { value: p.value, itemStyle: { color: COLOURS[p.status] } } : null;
            }) };
        }) };
    }
  };

  function draw(root, data) {
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.dataset.chart];
      var option = build ? build(data, el) : null;
      if (!option) { empty(el); return; }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option);
      chart.on("click", go);
      el.dataset.drawn = "1";
      charts.push(chart);
    });
  }

  function start() {
    var root = document.getElementById("dashboard") || document.getElementById("portrait");
    if (!root || !window.echarts) { return; }
    fetch(root.dataset.source, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) { draw(root, data); root.dataset.ready = "1"; });
    var pending = null;
    window.addEventListener("resize", function () {
      clearTimeout(pending);
      pending = setTimeout(function () { charts.forEach(function (c) { c.resize(); }); }, 100);
    });
  }

  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
}());
