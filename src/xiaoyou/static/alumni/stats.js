/* 校友统计: the charts of the alumni statistics page (ECharts from static/vendor, never a CDN).
 * The page is a shell: <script id="alumni-stats-data"> lists the charts (key, title, kind) and
 * every chart fetches its own figures from the data endpoint, all in parallel, so the first
 * paint never waits for the slowest query. Figures are cached server-side; the oldest "as of"
 * is shown and the refresh button refetches every chart with refresh=<one token per click>. Map outlines are
 * fetched from the static URLs in the grid's data attributes. The China map drills down into a
 * province (its cities; municipalities by district, with the municipality's total as a note);
 * the world map into China. The table under a chart follows what the chart shows. Every chart
 * saves as PNG. Instances are exposed as window.xiaoyouStats.charts[key] for tests. */
(function () {
  "use strict";
  var doc = document;
  var registered = {};
  var state = { charts: {}, maps: {} };
  window.xiaoyouStats = state;

  function css(name, fallback) {
    var value = getComputedStyle(doc.documentElement).getPropertyValue(name);
    return (value && value.trim()) || fallback;
  }
  function merge(target, source) { Object.keys(source).forEach(function (key) { target[key] = source[key]; }); return target; }

  var AXIS = { axisLine: { lineStyle: { color: "#E5E5E5" } }, axisTick: { show: false }, axisLabel: { color: "#616161" } };
  var SPLIT = { splitLine: { lineStyle: { color: "#F0F0F0" } } };
  var PALETTE = ["#C8102E", "#111111", "#9E9E9E", "#E57373", "#424242", "#FFCDD2", "#757575", "#B71C1C", "#BDBDBD", "#EF9A9A"];

  function base(title) {
    return {
      color: PALETTE,
      textStyle: { fontFamily: css("--xy-font", "sans-serif"), color: "#111111" },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      toolbox: { right: 0, top: 0, feature: { saveAsImage: { name: title, pixelRatio: 2, backgroundColor: "#FFFFFF", title: "PNG" } } },
      animationDuration: 300
    };
  }

  function barChart(data, brand) {
    var many = data.labels.length > 30;
    return merge(base(data.title), {
      grid: { left: 8, right: 24, top: 36, bottom: many ? 36 : 8, containLabel: true },
      xAxis: merge({ type: "category", data: data.labels.map(String) }, AXIS),
      yAxis: merge(merge({ type: "value", minInterval: 1 }, AXIS), SPLIT),
      dataZoom: many ? [{ type: "slider", startValue: data.labels.length - 30, height: 18, bottom: 4 }, { type: "inside" }] : [],
      series: [{ name: data.headers[1], type: "bar", data: data.values, itemStyle: { color: brand }, barMaxWidth: 22 }]
    });
  }

  function hbarChart(data, brand, element) {
    var labels = data.labels.slice(0, 15), values = data.values.slice(0, 15);
    element.style.height = Math.max(200, labels.length * 32 + 64) + "px";
    return merge(base(data.title), {
      xAxis: merge(merge({ type: "value", minInterval: 1 }, AXIS), SPLIT),
      yAxis: merge({ type: "category", data: labels.slice().reverse().map(String) }, AXIS),
      series: [{ name: data.headers[1], type: "bar", data: values.slice().reverse(), itemStyle: { color: brand }, barMaxWidth: 20,
        label: { show: true, position: "right", color: "#616161", fontSize: 11 } }]
    });
  }

  function pieChart(data) {
    return merge(base(data.title), {
      tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
      legend: { bottom: 0, type: "scroll", textStyle: { color: "#616161" } },
      series: [{ name: data.title, type: "pie", radius: ["40%", "68%"], center: ["50%", "45%"],
        data: data.labels.map(function (label, i) { return { name: String(label), value: data.values[i] }; }),
        label: { formatter: "{b}\n{d}%", color: "#424242" } }]
    });
  }

  function coverageChart(data) {
    return merge(base(data.title), {
      legend: { top: 0, left: 0, textStyle: { color: "#616161" } },
      grid: { left: 8, right: 24, top: 40, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v + "%"; } },
      xAxis: merge({ type: "category", data: data.labels }, AXIS),
      yAxis: merge(merge({ type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%", color: "#616161" } }, AXIS), SPLIT),
      series: data.series.map(function (item) {
        return { name: item.name, type: "line", data: item.values, symbolSize: 6, showSymbol: data.labels.length < 60 };
      })
    });
  }

  // --- Maps --------------------------------------------------------------------------------

  function loadMap(name, url) {
    if (registered[name]) return Promise.resolve(name);
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (!response.ok) throw new Error("map " + url + ": " + response.status);
      return response.json();
    }).then(function (geo) {
      window.echarts.registerMap(name, geo);
      registered[name] = geo;
      return name;
    });
  }

  function stripPlace(name) {
    return String(name || "").replace(/(特别行政区|自治区|自治州|自治县|地区|盟|市|省|县|区)$/, "");
  }

  // Record values ("广州", "广州市") onto the outline's feature names ("广州市").
  function matchFeatures(geo, labels, values) {
    var names = geo.features.map(function (feature) { return feature.properties.name; });
    var totals = {};
    labels.forEach(function (label, i) {
      var wanted = stripPlace(label), hit = null;
      names.forEach(function (name) {
        if (hit) return;
        var short = stripPlace(name);
        if (name === label || short === wanted || (wanted.length >= 2 && name.indexOf(wanted) === 0)) hit = name;
      });
      var key = hit || String(label);
      totals[key] = (totals[key] || 0) + values[i];
    });
    return Object.keys(totals).map(function (name) { return { name: name, value: totals[name] }; });
  }

  function mapOption(mapName, items, title, brand) {
    var max = items.reduce(function (m, item) { return Math.max(m, item.value); }, 1);
    return merge(base(title), {
      tooltip: { trigger: "item", formatter: function (p) { return p.name + ": " + (p.value || 0); } },
      visualMap: { min: 0, max: max, left: 0, bottom: 0, calculable: true, itemHeight: 100,
        inRange: { color: ["#FFEBEE", brand] }, textStyle: { color: "#616161" } },
      series: [{ name: title, type: "map", map: mapName, roam: true, data: items, selectedMode: false,
        emphasis: { label: { show: true }, itemStyle: { areaColor: "#111111" } },
        itemStyle: { areaColor: "#F5F5F5", borderColor: "#BDBDBD" } }]
    });
  }

  function Drill(element, chart, data, ctx) {
    this.element = element; this.chart = chart; this.data = data; this.ctx = ctx;
    this.level = data.kind; // world, china, or a province name
    this.card = element.closest("[data-stats]");
    this.hint = this.card.querySelector("[data-map-title]");
  }
  // The card's Excel link follows the map: a province's cities once drilled into.
  Drill.prototype.exportFor = function (province) {
    var link = this.card.querySelector("[data-export]");
    if (!link) return;
    if (!link.dataset.base) link.dataset.base = link.getAttribute("href");
    if (!province) { link.setAttribute("href", link.dataset.base); return; }
    var url = new URL(link.dataset.base, window.location.href);
    url.pathname = url.pathname.replace(/\/[\w-]+\.xlsx$/, "/city.xlsx");
    url.searchParams.set("province", province);
    link.setAttribute("href", url.pathname + url.search);
  };
  Drill.prototype.note = function (text) {
    if (this.hint) this.hint.textContent = text || this.hint.dataset.defaultHint || "";
  };
  Drill.prototype.show = function (level) {
    var self = this, ctx = this.ctx;
    var back = this.card.querySelector("[data-map-back]");
    if (this.data.kind === "china") this.exportFor(level === "china" ? "" : level);
    if (level === "world") {
      return Promise.all([loadMap("world", ctx.urls.world), ctx.get("country")]).then(function (results) {
        var country = results[1];
        self.level = "world";
        self.note("");
        var items = country.labels.map(function (label, i) { return { name: label, value: country.values[i] }; });
        self.chart.setOption(mapOption("world", items, country.title, ctx.brand), true);
        fillTable(self.card, country);
      });
    }
    if (level === "china") {
      return Promise.all([loadMap("china", ctx.urls.china), ctx.get("province")]).then(function (results) {
        var province = results[1];
        self.level = "china";
        if (back) back.hidden = self.data.kind === "china";
        self.note(self.data.kind === "china" ? "" : province.title);
        var items = matchFeatures(registered.china, province.labels, province.values);
        self.chart.setOption(mapOption("china", items, province.title, ctx.brand), true);
        fillTable(self.card, province);
      });
    }
    var file = ctx.provinces[level];
    if (!file) return Promise.resolve();
    return Promise.all([
      loadMap(level, ctx.urls.province.replace("__FILE__", file)),
      ctx.fetchChart("city", "&province=" + encodeURIComponent(level))
    ]).then(function (results) {
      var cities = results[1];
      self.level = level;
      if (back) back.hidden = false;
      // A municipality's records that name only the city match no district: the note gives
      // the municipality's total, the table lists them.
      self.note(cities.note || "");
      self.chart.setOption(mapOption(level, matchFeatures(registered[level], cities.labels, cities.values), level + " · " + cities.title, ctx.brand), true);
      fillTable(self.card, cities);
    });
  };
  Drill.prototype.click = function (name) {
    if (this.level === "world" && name === "China") return this.show("china");
    if (this.level === "china" && this.ctx.provinces[name]) return this.show(name);
    return Promise.resolve();
  };

  // --- Page ---------------------------------------------------------------------------------

  function savePng(chart, filename) {
    var link = doc.createElement("a");
    link.href = chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#FFFFFF" });
    link.download = (filename || "chart") + ".png";
    doc.body.appendChild(link);
    link.click();
    link.remove();
  }

  function cell(tag, value, numeric) {
    var element = doc.createElement(tag);
    element.textContent = value == null ? "" : String(value);
    if (numeric) element.className = "num";
    return element;
  }

  function fillTable(card, data) {
    var head = card.querySelector("[data-table-head]"), body = card.querySelector("[data-table-body]");
    if (!head || !body) return;
    head.replaceChildren.apply(head, data.headers.map(function (header, i) { return cell("th", header, i > 0); }));
    body.replaceChildren.apply(body, data.rows.map(function (row) {
      var tr = doc.createElement("tr");
      row.forEach(function (value, i) { tr.appendChild(cell("td", value, i > 0)); });
      return tr;
    }));
  }

  var asOf = { oldest: null };
  function showAsOf(data) {
    if (!data.as_of) return;
    var when = new Date(data.as_of);
    if (asOf.oldest && asOf.oldest <= when) return;
    asOf.oldest = when;
    var label = doc.querySelector("[data-as-of-label]"), time = doc.querySelector("[data-as-of]");
    if (!label || !time) return;
    time.setAttribute("datetime", data.as_of);
    time.textContent = when.toLocaleString();
    label.hidden = false;
  }

  function showFigures(coverage) {
    var today = coverage.today || {};
    Object.keys(today).forEach(function (key) {
      var value = doc.querySelector('[data-figure="' + key + '"] .stat-value');
      if (value) value.textContent = today[key].toLocaleString();
    });
  }

  function init() {
    var source = doc.getElementById("alumni-stats-data");
    var grid = doc.querySelector(".alumni-stats-grid");
    if (!source || !grid || !window.echarts) return;
    var specs = JSON.parse(source.textContent);
    var pending = {}, refresh = { token: "" };
    var ctx = {
      specs: specs,
      provinces: JSON.parse(doc.getElementById("alumni-stats-provinces").textContent),
      brand: css("--xy-brand", "#C8102E"),
      query: grid.dataset.query || "",
      urls: { china: grid.dataset.chinaMap, world: grid.dataset.worldMap, province: grid.dataset.provinceMap, data: grid.dataset.endpoint }
    };
    ctx.fetchChart = function (key, extra) {
      var url = ctx.urls.data + "?" + ctx.query + "&chart=" + encodeURIComponent(key) + (extra || "") + (refresh.token ? "&refresh=" + refresh.token : "");
      return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } }).then(function (response) {
        if (!response.ok) throw new Error("chart " + key + ": " + response.status);
        return response.json();
      }).then(function (data) {
        showAsOf(data);
        var throttled = doc.querySelector("[data-refresh-throttled]");
        if (data.throttled && throttled) throttled.hidden = false;
        return data;
      });
    };
    // One request per chart and refresh round, shared by the world map's drill into China.
    ctx.get = function (key) {
      if (!pending[key]) pending[key] = ctx.fetchChart(key);
      return pending[key];
    };

    function draw(element, data) {
      var key = element.dataset.chart, card = element.closest("[data-stats]");
      var empty = !data.labels.length && data.kind !== "coverage";
      card.querySelector("[data-empty]").hidden = !empty;
      element.hidden = empty;
      fillTable(card, data);
      if (data.kind === "coverage") showFigures(data);
      if (empty) return;
      var chart = state.charts[key] || window.echarts.init(element, null, { renderer: "canvas" });
      state.charts[key] = chart;
      var option = data.kind === "bar" ? barChart(data, ctx.brand)
        : data.kind === "pie" ? pieChart(data)
        : data.kind === "coverage" ? coverageChart(data)
        : hbarChart(data, ctx.brand, element);
      chart.setOption(option, true);
      chart.resize();
    }

    function load(element) {
      var key = element.dataset.chart, kind = element.dataset.kind;
      var card = element.closest("[data-stats]");
      element.setAttribute("aria-busy", "true");
      var done;
      if (kind === "china" || kind === "world") {
        var drill = state.maps[key];
        if (!drill) {
          var chart = window.echarts.init(element, null, { renderer: "canvas" });
          state.charts[key] = chart;
          drill = state.maps[key] = new Drill(element, chart, { kind: kind }, ctx);
          chart.on("click", function (params) { drill.click(params.name); });
          var back = card.querySelector("[data-map-back]");
          if (back) back.addEventListener("click", function () { drill.show("china"); });
        }
        drill.chart.showLoading({ text: "", color: ctx.brand });
        done = drill.show(drill.level === "world" || drill.level === "china" ? drill.level : kind)
          .then(function () { drill.chart.hideLoading(); }, function (error) { drill.chart.hideLoading(); throw error; });
      } else {
        done = ctx.get(key).then(function (data) { draw(element, data); });
      }
      return done.then(function () {
        element.dataset.ready = "true";
        element.removeAttribute("aria-busy");
      }).catch(function (error) {
        element.dataset.ready = "error";
        element.removeAttribute("aria-busy");
        card.querySelector("[data-failed]").hidden = false;
        window.console.error(error);
      });
    }

    var elements = Array.prototype.slice.call(grid.querySelectorAll("[data-chart]"));
    function loadAll() { return Promise.all(elements.map(load)); }
    loadAll();

    var refreshButton = doc.querySelector("[data-stats-refresh]");
    if (refreshButton) refreshButton.addEventListener("click", function () {
      refreshButton.disabled = true;
      // One token per click: the charts sharing a scan recompute it once.
      pending = {}; refresh.token = Date.now().toString(36) + Math.random().toString(36).slice(2, 8); asOf.oldest = null;
      elements.forEach(function (element) { element.dataset.ready = "loading"; });
      loadAll().then(function () { refresh.token = ""; refreshButton.disabled = false; });
    });
    Array.prototype.forEach.call(grid.querySelectorAll("[data-png]"), function (button) {
      button.addEventListener("click", function () {
        var chart = state.charts[button.dataset.png];
        if (chart) savePng(chart, button.dataset.filename);
      });
    });
    window.addEventListener("resize", function () { Object.keys(state.charts).forEach(function (key) { state.charts[key].resize(); }); });
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init); else init();
})();
