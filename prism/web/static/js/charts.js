// Draws each <figure data-chart> (bars the server also drew as SVG) with ECharts: the value and
// its note on hover, every label in full, and the Okabe–Ito colours, which colour-blind readers
// tell apart. Without ECharts (or scripts) the server's SVG stays.
(function () {
  const INK = "#1f2430", MUTED = "#5b6275", LINE = "#d9dce5";
  const MAIN = "#0072B2", COMPARED = "#E69F00";  // Okabe–Ito blue and orange
  const COMPACT = new Intl.NumberFormat("en", { notation: "compact" });  // 1.5M, 500K

  function draw(figure) {
    const data = JSON.parse(figure.dataset.chart);
    if (!data.bars.length) return;  // the SVG says "Nothing to show yet."
    const box = document.createElement("div");
    box.className = "chart-live";
    box.style.height = `${data.bars.length * 30 + 36}px`;
    figure.append(box);
    figure.classList.add("live");
    const narrow = box.clientWidth < 500;  // a phone: shorter labels, room for the figures
    const chart = echarts.init(box, null, { renderer: "svg" });
    chart.setOption({
      aria: { enabled: true, label: { description: data.title } },
      animation: false,
      textStyle: { fontFamily: getComputedStyle(document.documentElement).fontFamily },
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
    window.addEventListener("resize", () => chart.resize());
  }

  document.addEventListener("DOMContentLoaded", () => {
    if (!window.echarts) return;
    document.querySelectorAll("figure[data-chart]").forEach(draw);
  });
})();
