// Draws each <figure data-chart> (bars, or a line over dates, that the server also drew as SVG)
// with ECharts: the value and its note on hover, every label in full, and the Okabe–Ito colours,
// which colour-blind readers tell apart. Without ECharts (or scripts) the server's SVG stays.
(function () {
  const INK = "#1f2430", MUTED = "#5b6275", LINE = "#d9dce5";
  const MAIN = "#0072B2", COMPARED = "#E69F00";  // Okabe–Ito blue and orange
  const TARGET = "#D55E00";  // Okabe–Ito vermilion
  // Numbers and dates as the page's language writes them: 1.5M and 07 Dec 2026, or 150万 and
  // 2026年12月7日; ECharts' own words (its time axis) follow too.
  const CHINESE = document.documentElement.lang.startsWith("zh");
  const LOCALE = CHINESE ? "zh-CN" : "en";
  const COMPACT = new Intl.NumberFormat(LOCALE, { notation: "compact" });
  const DAY = new Intl.DateTimeFormat(CHINESE ? "zh-CN" : "en-GB", { day: CHINESE ? "numeric" : "2-digit", month: "short", year: "numeric" });

  function mount(figure, height) {
    const box = document.createElement("div");
    box.className = "chart-live";
    box.style.height = `${height}px`;
    figure.append(box);
    figure.classList.add("live");
    const chart = echarts.init(box, null, { renderer: "svg", locale: CHINESE ? "ZH" : "EN" });
    window.addEventListener("resize", () => chart.resize());
    return chart;
  }

  function common(data) {
    return {
      aria: { enabled: true, label: { description: data.title } },
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.body).fontFamily },
    };
  }

  function line(figure, data) {
    const chart = mount(figure, 240);
    const lines = data.markers.map((m) => ({
      xAxis: m.on, label: { formatter: m.label, color: MUTED }, lineStyle: { color: LINE, type: "solid" },
    }));
    if (data.target !== null) {
      lines.push({
        yAxis: data.target,
        label: { formatter: data.target_label || `${COMPACT.format(data.target)}`, position: "insideStartTop", color: TARGET },
        lineStyle: { color: TARGET, type: "dashed" },
      });
    }
    const values = data.points.map((p) => p[1]).concat(data.target === null ? [] : [data.target]);
    // The target widens the axis (rounded as ECharts rounds it) through an unseen point.
    const reach = data.target === null ? [] : [[data.start, data.target]];
    chart.setOption({
      ...common(data),
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        formatter: (ps) => ps.filter((p) => p.seriesIndex === 0).map((p) => `${DAY.format(new Date(p.value[0]))}<br><strong>${p.value[1].toLocaleString(LOCALE)}</strong>`).join("<br>"),
      },
      xAxis: {
        type: "time", min: data.start, max: data.end,
        axisLabel: { color: MUTED, hideOverlap: true }, splitLine: { show: false },
        axisLine: { lineStyle: { color: LINE } },
      },
      yAxis: {
        type: "value", min: Math.min(0, ...values),
        axisLabel: { color: MUTED, formatter: (v) => COMPACT.format(v) },
        splitLine: { lineStyle: { color: LINE } },
      },
      series: [{
        type: "line", data: data.points, color: MAIN, symbolSize: 7, showAllSymbol: true,
        markLine: { symbol: "none", silent: true, data: lines },
      }, {
        type: "line", data: reach, symbolSize: 0, lineStyle: { opacity: 0 }, silent: true,
      }],
    });
  }

  function draw(figure) {
    const data = JSON.parse(figure.dataset.chart);
    if (data.kind === "line") return line(figure, data);
    if (!data.bars.length) return;  // the SVG says "Nothing to show yet."
    const chart = mount(figure, data.bars.length * 30 + 36);
    const narrow = chart.getDom().clientWidth < 500;  // a phone: shorter labels, room for the figures
    chart.setOption({
      ...common(data),
      grid: { left: 8, right: narrow ? 44 : 120, top: 8, bottom: 24, containLabel: true },
      tooltip: {
        trigger: "item",
        formatter: (p) => {
          const bar = data.bars[p.dataIndex];
          const note = bar.note ? ` <span style="color:${MUTED}">${echarts.format.encodeHTML(bar.note)}</span>` : "";
          return `${echarts.format.encodeHTML(bar.label)}<br><strong>${echarts.format.encodeHTML(bar.shown)}</strong>${note}`;
        },
      },
      xAxis: {
        type: "value", max: data.top ?? null,
        axisLabel: { color: MUTED, hideOverlap: true, formatter: (v) => COMPACT.format(v) },
        splitLine: { lineStyle: { color: LINE } },
      },
      yAxis: {
        type: "category", inverse: true, data: data.bars.map((b) => b.label),
        axisLabel: { color: INK, width: narrow ? 110 : 220, overflow: "truncate" },
        axisTick: { show: false }, axisLine: { lineStyle: { color: LINE } },
      },
      series: [{
        type: "bar", barMaxWidth: 18,
        data: data.bars.map((b) => ({ value: b.value, itemStyle: { color: b.muted ? COMPARED : MAIN } })),
        label: {
          show: true, position: "right", color: INK,
          formatter: (p) => data.bars[p.dataIndex].shown,
        },
      }],
    });
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!window.echarts) return;
    document.querySelectorAll("figure[data-chart]").forEach(draw);
  });
})();
