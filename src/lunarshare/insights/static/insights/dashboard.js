// Charts of the statistics page. The figures come from the page itself (json_script), the
// same ones the tables beside each chart show; masses arrive as integer µg and are drawn in g.
(function () {
  "use strict";
  function ready(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
  ready(function () {
    if (!window.Chart) return;  // the tables still carry every figure
    const data = JSON.parse(document.getElementById("statistics-data").textContent);
    const L = JSON.parse(document.getElementById("statistics-labels").textContent);
    const M = window.LunarShareMissions;
    const grams = (ug) => ug / 1e6;
    const palette = ["#1f4e79", "#f2b01e", "#2e7d32", "#8e24aa", "#455a64", "#6d4c41", "#00838f"];
    const charts = {};
    Chart.defaults.font.family = getComputedStyle(document.documentElement).fontFamily;
    Chart.defaults.maintainAspectRatio = false;

    function make(slug, config) {
      const canvas = document.getElementById("chart-" + slug);
      if (canvas) charts[slug] = new Chart(canvas, config);
    }
    const missionColours = (codes) => codes.map((c) => (M ? M.colour(c) : "#555"));

    // Where each mission's registered mass is now: one stacked bar per mission, one colour per
    // figure (the legend's), as shares of the registered mass so small and large missions both read.
    // Okabe-Ito colours (colour-blind safe), the same order as the table's columns.
    const mass = data.mass_by_mission.filter((r) => r.registered_ug > 0);
    const balance = [["held_ug", L.held, "#0072B2"], ["on_loan_ug", L.on_loan, "#E69F00"],
                     ["unannounced_ug", L.unannounced, "#56B4E9"], ["consumed_ug", L.consumed, "#D55E00"],
                     ["lost_ug", L.lost, "#000000"], ["given_ug", L.given, "#009E73"], ["other_ug", L.other, "#CC79A7"]];
    make("mass-by-mission", {
      type: "bar",
      data: { labels: mass.map((r) => r.name), datasets: balance.map(([key, label, colour]) => ({
        label: label, backgroundColor: colour, borderColor: "#ffffff", borderWidth: 1, grams: mass.map((r) => grams(r[key])),
        data: mass.map((r) => Math.max(0, r[key]) / r.registered_ug * 100),
      })) },
      options: { indexAxis: "y", scales: { x: { stacked: true, min: 0, max: 100, title: { display: true, text: L.share } },
                                           y: { stacked: true } },
                 plugins: { tooltip: { callbacks: { label: (c) => c.dataset.label + ": " + c.dataset.grams[c.dataIndex].toLocaleString() + " g (" + c.parsed.x.toFixed(2) + " %)" } } } },
    });

    const byCountry = data.loans_by_country;
    make("loans-by-country", {
      type: "bar",
      data: { labels: byCountry.map((r) => r.name || r.country),
              datasets: [{ label: L.mass_lent_g, data: byCountry.map((r) => grams(r.mass_ug)), backgroundColor: palette[0] }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } } },
    });

    const byInstitution = data.loans_by_institution.slice(0, 20);
    make("loans-by-institution", {
      type: "bar",
      data: { labels: byInstitution.map((r) => r.name),
              datasets: [{ label: L.mass_lent_g, data: byInstitution.map((r) => grams(r.mass_ug)), backgroundColor: palette[2] }] },
      options: { indexAxis: "y", plugins: { legend: { display: false } } },
    });

    const rounds = data.applications_per_round;
    make("applications-per-round", {
      type: "bar",
      data: { labels: rounds.map((r) => r.title), datasets: [
        { label: L.submitted, data: rounds.map((r) => r.submitted), backgroundColor: palette[0], yAxisID: "y" },
        { label: L.approved, data: rounds.map((r) => r.approved + r.reduced), backgroundColor: palette[2], yAxisID: "y" },
        { label: L.approval_rate, type: "line", data: rounds.map((r) => r.approval_rate === null ? null : Math.round(r.approval_rate * 1000) / 10),
          borderColor: palette[1], backgroundColor: palette[1], yAxisID: "rate" },
      ] },
      options: { scales: { y: { beginAtZero: true, title: { display: true, text: L.applications } },
                           rate: { position: "right", min: 0, max: 100, grid: { drawOnChartArea: false } } } },
    });

    const reach = data.reach_over_time;
    make("reach-over-time", {
      type: "line",
      data: { labels: reach.map((r) => r.year), datasets: [
        { label: L.institutions, data: reach.map((r) => r.institutions), borderColor: palette[0], backgroundColor: palette[0], stepped: true },
        { label: L.countries, data: reach.map((r) => r.countries), borderColor: palette[1], backgroundColor: palette[1], stepped: true },
      ] },
      options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });

    const pubs = data.publications_per_year;
    make("publications-per-year", {
      type: "bar",
      data: { labels: pubs.map((r) => r.year), datasets: [{ label: L.publications, data: pubs.map((r) => r.publications), backgroundColor: palette[3] }] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });

    const measured = data.science.measurements_by_mission;
    make("measurements-by-mission", {
      type: "bar",
      data: { labels: measured.map((r) => r.mission), datasets: [{ label: L.measurements, data: measured.map((r) => r.measurements),
              backgroundColor: missionColours(measured.map((r) => r.mission)) }] },
      options: { plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    });
    window.LunarShareStatisticsCharts = charts;  // for tests and for the curious
  });
})();
