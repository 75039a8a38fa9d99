// Compare page chart: a strip plot (one row per mission, one dot per value) or a scatter plot,
// with uncertainty bars drawn by a small plugin, mission colours from web/missions.js, and a PNG
// download. Progressive enhancement: the table and the CSV work without this script.
(function () {
  "use strict";
  const dataNode = document.getElementById("compare-data");
  const canvas = document.getElementById("compare-chart");
  if (!dataNode || !canvas || typeof Chart === "undefined") return;
  const data = JSON.parse(dataNode.textContent);
  const labels = JSON.parse(document.getElementById("compare-labels").textContent);
  const colours = window.LunarShareMissions;

  // Draws uncertainty bars for points carrying xErr / yErr (same units as the axes).
  const errorBars = {
    id: "errorBars",
    afterDatasetsDraw(chart) {
      const ctx = chart.ctx;
      chart.data.datasets.forEach((dataset, index) => {
        const meta = chart.getDatasetMeta(index);
        if (meta.hidden) return;
        ctx.save();
        ctx.strokeStyle = dataset.errorBarColour || dataset.borderColor;
        ctx.lineWidth = 1.2;
        meta.data.forEach((element, i) => {
          const point = dataset.data[i];
          const x = chart.scales.x, y = chart.scales.y;
          const cap = 3;
          if (point.xErr) {
            const left = x.getPixelForValue(point.x - point.xErr), right = x.getPixelForValue(point.x + point.xErr);
            ctx.beginPath();
            ctx.moveTo(left, element.y); ctx.lineTo(right, element.y);
            ctx.moveTo(left, element.y - cap); ctx.lineTo(left, element.y + cap);
            ctx.moveTo(right, element.y - cap); ctx.lineTo(right, element.y + cap);
            ctx.stroke();
          }
          if (point.yErr) {
            const top = y.getPixelForValue(point.y + point.yErr), bottom = y.getPixelForValue(point.y - point.yErr);
            ctx.beginPath();
            ctx.moveTo(element.x, top); ctx.lineTo(element.x, bottom);
            ctx.moveTo(element.x - cap, top); ctx.lineTo(element.x + cap, top);
            ctx.moveTo(element.x - cap, bottom); ctx.lineTo(element.x + cap, bottom);
            ctx.stroke();
          }
        });
        ctx.restore();
      });
    },
  };
  // A white background so the downloaded PNG is readable anywhere.
  const whiteBackground = {
    id: "whiteBackground",
    beforeDraw(chart) {
      const ctx = chart.ctx;
      ctx.save();
      ctx.globalCompositeOperation = "destination-over";
      ctx.fillStyle = "#ffffff";
      ctx.fillRect(0, 0, chart.width, chart.height);
      ctx.restore();
    },
  };

  // Each mission: its colour-blind-safe colour, its own marker, a dark outline; a mission with
  // few points gets larger markers drawn on top, so a single point is never lost among hundreds.
  function pointLook(mission) {
    const few = mission.points.length <= 3;
    return {
      backgroundColor: colours.colourAlpha(mission.mission, few ? 1 : 0.8),
      borderColor: "#1b1b1b", borderWidth: few ? 2 : 1,
      pointStyle: colours.marker(mission.mission),
      pointRadius: few ? 8 : 5, pointHoverRadius: few ? 10 : 7,
      order: mission.points.length,  // the fewer points, the later drawn: on top
      errorBarColour: colours.colour(mission.mission),
    };
  }

  function unitLabel(name, unit) { return unit ? name + " (" + unit + ")" : name + " (" + labels.none + ")"; }

  let config;
  if (data.properties) {
    // Strip plot: y = mission row (jittered deterministically), x = value.
    const rows = data.missions.filter((m) => m.count > 0);
    const datasets = rows.map((mission, row) => ({
      label: mission.name + " (n = " + mission.count + ")",
      data: mission.points.map((p, i) => ({
        x: p.value, y: row + (((i * 37) % 11) - 5) / 22, xErr: p.uncertainty || 0, sample: p.sample,
        sigma: p.uncertainty_type,
      })),
      ...pointLook(mission),
    }));
    config = {
      type: "scatter",
      data: { datasets: datasets },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: {
          x: { grace: "5%", title: { display: true, text: unitLabel(data.property, data.unit) } },
          y: {
            min: -0.6, max: rows.length - 0.4, reverse: true,
            title: { display: true, text: labels.missions },
            afterBuildTicks: (axis) => { axis.ticks = rows.map((_m, i) => ({ value: i })); },
            ticks: { callback: (value) => (rows[value] ? rows[value].name : "") },
            grid: { display: false },
          },
        },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true } },
          title: { display: true, text: labels.figure + ": " + data.property },
          tooltip: { callbacks: { label: (item) => {
            const p = item.raw;
            return p.sample + ": " + p.x + (data.unit ? " " + data.unit : "") + (p.xErr ? " ± " + p.xErr + " (" + (p.sigma === "2s" ? "2σ" : p.sigma === "1s" ? "1σ" : labels.unstated) + ")" : "");
          } } },
        },
      },
      plugins: [errorBars, whiteBackground],
    };
  } else {
    const datasets = data.missions.filter((m) => m.count > 0).map((mission) => ({
      label: mission.name + " (n = " + mission.count + ")",
      data: mission.points.map((p) => ({ x: p.x, y: p.y, xErr: p.x_uncertainty || 0, yErr: p.y_uncertainty || 0, sample: p.sample })),
      ...pointLook(mission),
    }));
    config = {
      type: "scatter",
      data: { datasets: datasets },
      options: {
        animation: false, maintainAspectRatio: false,
        scales: {
          x: { grace: "5%", title: { display: true, text: unitLabel(data.property_x, data.unit_x) } },
          y: { grace: "5%", title: { display: true, text: unitLabel(data.property_y, data.unit_y) } },
        },
        plugins: {
          legend: { position: "bottom", labels: { usePointStyle: true } },
          title: { display: true, text: labels.figure + ": " + data.property_y + " / " + data.property_x },
          tooltip: { callbacks: { label: (item) => item.raw.sample + ": (" + item.raw.x + ", " + item.raw.y + ")" } },
        },
      },
      plugins: [errorBars, whiteBackground],
    };
  }
  const chart = new Chart(canvas, config);
  canvas.dataset.ready = "true";
  const button = document.getElementById("download-png");
  if (button) {
    button.hidden = false;
    button.addEventListener("click", () => {
      const link = document.createElement("a");
      link.href = chart.toBase64Image("image/png", 1);
      link.download = "lunarshare-compare.png";
      document.body.appendChild(link);
      link.click();
      link.remove();
    });
  }
})();
