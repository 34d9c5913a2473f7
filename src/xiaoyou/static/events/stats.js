/* 活动统计: the charts of an event's statistics page, drawn with ECharts (static/vendor, never
 * a CDN) from the figures the page embeds in <script id="event-stats-data">. Brand red for the
 * key series, grays for the others; flat. Instances are window.xiaoyouEventStats[key]. */
(function () {
  "use strict";
  var node = document.getElementById("event-stats-data");
  if (!node || !window.echarts) return;
  var data = JSON.parse(node.textContent);
  var styles = getComputedStyle(document.documentElement);
  var brand = (styles.getPropertyValue("--xy-brand") || "").trim() || "#C8102E";
  var font = (styles.getPropertyValue("--xy-font") || "").trim() || "sans-serif";
  var AXIS = { axisLine: { lineStyle: { color: "#E5E5E5" } }, axisTick: { show: false }, axisLabel: { color: "#616161" } };
  var SPLIT = { splitLine: { lineStyle: { color: "#F0F0F0" } } };
  var charts = {};
  window.xiaoyouEventStats = charts;

  function merge(target, source) { Object.keys(source).forEach(function (key) { target[key] = source[key]; }); return target; }
  function base(title) {
    return {
      color: [brand, "#111111", "#9E9E9E", "#E57373", "#424242", "#BDBDBD", "#757575"],
      textStyle: { fontFamily: font, color: "#111111" },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      toolbox: { right: 0, top: 0, iconStyle: { borderColor: "#9E9E9E" }, feature: { saveAsImage: { name: title, pixelRatio: 2, backgroundColor: "#FFFFFF", title: "PNG" } } },
      animationDuration: 300
    };
  }

  var options = {
    days: function (chart) {
      var many = chart.labels.length > 31;
      return merge(base(chart.title), {
        grid: { left: 8, right: 24, top: 36, bottom: many ? 36 : 8, containLabel: true },
        xAxis: merge({ type: "category", data: chart.labels }, AXIS),
        yAxis: merge(merge({ type: "value", minInterval: 1 }, AXIS), SPLIT),
        dataZoom: many ? [{ type: "slider", startValue: chart.labels.length - 31, height: 18, bottom: 4 }, { type: "inside" }] : [],
        series: [{ name: chart.name, type: "bar", data: chart.values, itemStyle: { color: brand }, barMaxWidth: 22 }]
      });
    },
    statuses: function (chart) {
      return merge(base(chart.title), {
        tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { bottom: 0, type: "scroll", textStyle: { color: "#616161" } },
        series: [{ name: chart.title, type: "pie", radius: ["40%", "66%"], center: ["50%", "44%"],
          data: chart.labels.map(function (label, i) { return { name: label, value: chart.values[i] }; }),
          label: { formatter: "{b}\n{c}", color: "#424242" } }]
      });
    },
    tickets: function (chart) {
      return merge(base(chart.title), {
        legend: { top: 0, left: 0, textStyle: { color: "#616161" } },
        grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
        xAxis: merge({ type: "category", data: chart.labels }, AXIS),
        yAxis: merge(merge({ type: "value", minInterval: 1 }, AXIS), SPLIT),
        color: ["#9E9E9E", "#111111", brand],
        series: chart.series.map(function (item) { return { name: item.name, type: "bar", data: item.values, barMaxWidth: 22 }; })
      });
    }
  };

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var key = element.getAttribute("data-chart");
    if (!data[key] || !options[key]) return;
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(options[key](data[key]));
    charts[key] = chart;
  });
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (key) { charts[key].resize(); }); });
})();
