// One map of mission colours for every chart (compare, statistics). The values mirror the
// --mission-XX custom properties in site.css; the CSS variable wins when it is defined, so a
// theme change in site.css reaches the charts too.
(function (global) {
  "use strict";
  const FALLBACK = {
    A11: "#1f77b4", A12: "#ff7f0e", A14: "#2ca02c", A15: "#d62728", A16: "#9467bd", A17: "#8c564b",
    L16: "#e377c2", L20: "#7f7f7f", L24: "#bcbd22", CE5: "#c81d25", CE6: "#17becf",
  };
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
  global.LunarShareMissions = { FALLBACK: FALLBACK, colour: missionColour, colourAlpha: missionColourAlpha };
})(window);
