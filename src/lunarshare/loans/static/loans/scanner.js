// Barcode-scanner boxes (receipt, returns): a USB scanner types each code and Enter, so every code
// lands on its own line. Ticks the items of the checklist as their identifier (or the sample-page
// URL a label's QR code also holds) is scanned. The server checks everything again on submit.
(function () {
  "use strict";
  const box = document.querySelector("textarea.scanner-input");
  const items = document.querySelectorAll(".scan-checklist [data-identifier]");
  if (!box || !items.length) return;
  const identifierOf = (line) => {
    const match = line.match(/\/samples\/([^/]+)\/?$/);
    return match ? decodeURIComponent(match[1]) : line.split(/\s+/)[0];
  };
  const update = () => {
    const seen = new Set(box.value.split(/\r?\n/).map((l) => l.trim()).filter(Boolean).map(identifierOf));
    items.forEach((item) => {
      const scanned = seen.has(item.dataset.identifier);
      item.classList.toggle("scanned", scanned);
      const cell = item.tagName === "TR" ? item.firstElementChild : item;
      let mark = cell.querySelector(".scan-mark");
      if (!mark) {
        mark = document.createElement("span");
        mark.className = "scan-mark";
        cell.prepend(mark);
      }
      mark.textContent = scanned ? "✓ " : "";
    });
  };
  box.addEventListener("input", update);
  update();
})();
