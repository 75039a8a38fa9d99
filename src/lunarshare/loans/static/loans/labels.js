// The label page's Print button (no inline handlers: the Content-Security-Policy forbids them).
document.querySelectorAll(".print-button").forEach((button) => button.addEventListener("click", () => window.print()));
