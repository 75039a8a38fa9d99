// Times (see web/timezones.py): remember the browser's time zone so the server shows times in
// it, and put the visitor's local time beside every round deadline (<time data-local>).
(() => {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  // IANA names ("Europe/Berlin") are cookie-safe as they are; the server checks the name.
  if (zone && /^[A-Za-z0-9_+\-/]+$/.test(zone) && !document.cookie.split("; ").includes(`tz=${zone}`)) {
    document.cookie = `tz=${zone}; path=/; max-age=31536000; SameSite=Lax`;
  }
  const language = document.documentElement.lang || "en";
  const label = document.documentElement.dataset.localTimeLabel || "your time";
  const format = new Intl.DateTimeFormat(language, {
    year: "numeric", month: "short", day: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    timeZoneName: "short",
  });
  document.addEventListener("DOMContentLoaded", () => {
    for (const element of document.querySelectorAll("time[data-local]")) {
      const when = new Date(element.getAttribute("datetime"));
      if (Number.isNaN(when.getTime())) continue;
      const local = document.createElement("span");
      local.className = "local-time muted";
      local.textContent = ` (${label}: ${format.format(when)})`;
      element.after(local);
    }
  });
})();
