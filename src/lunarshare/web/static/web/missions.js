// One map of mission colours for every chart (compare, statistics). The values mirror the
// --mission-XX custom properties in site.css; the CSS variable wins when it is defined, so a
// theme change in site.css reaches the charts too.
(function (global) {
  "use strict";
  // Okabe-Ito (colour-blind safe) for Chang'e and Apollo, Paul Tol's muted colours for Luna.
  const FALLBACK = {
    CE5: "#D55E00", CE6: "#0072B2", A11: "#E69F00", A12: "#56B4E9", A14: "#009E73", A15: "#CC79A7",
    A16: "#000000", A17: "#F0E442", L16: "#882255", L20: "#44AA99", L24: "#999933",
  };
  // A marker per mission too, so no reader depends on colour alone (Chart.js point styles).
  // Filled shapes only: a stroke-only marker (cross, star) would show the outline, not the colour.
  const MARKERS = {
    CE5: "circle", CE6: "rectRot", A11: "triangle", A12: "rect", A14: "rectRot", A15: "triangle",
    A16: "rectRounded", A17: "circle", L16: "rect", L20: "triangle", L24: "rectRot",
  };
  function missionMarker(code) { return MARKERS[code] || "circle"; }
  function missionColour(code) {
    const css = getComputedStyle(document.documentElement).getPropertyValue("--mission-" + code).trim();
    return css || FALLBACK[code] || "#555555";
  }
  function missionColourAlpha(code, alpha) {
    const hex = missionColour(code).replace("#", "");
    if (hex.length !== 6) return missionColour(code);
    const n = parseInt(hex, 16);
    return "rgba(" + ((n >> 16) & 255) + "," + ((n >> 8) & 255) + "," + (n & 255) + "," + alpha + ")";
  }
  global.LunarShareMissions = { FALLBACK: FALLBACK, MARKERS: MARKERS, colour: missionColour,
                                colourAlpha: missionColourAlpha, marker: missionMarker };
})(window);
