// Confirmation before irreversible steps: a form with data-confirm="question" asks in a <dialog>
// (markup from the translated <template id="confirm-dialog"> in base.html) and is sent with
// confirmed=1 only after "Yes". Without JavaScript the server asks on a page of its own.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.confirm) return;
  if (form.querySelector("input[name=confirmed]")) return;
  const template = document.getElementById("confirm-dialog");
  if (!template || typeof HTMLDialogElement === "undefined") return;
  event.preventDefault();
  const submitter = event.submitter;
  const dialog = template.content.firstElementChild.cloneNode(true);
  dialog.querySelector(".confirm-message").textContent = form.dataset.confirm;
  document.body.appendChild(dialog);
  const close = () => { dialog.close(); dialog.remove(); if (submitter) submitter.focus(); };
  dialog.querySelector(".confirm-no").addEventListener("click", close);
  dialog.addEventListener("cancel", (e) => { e.preventDefault(); close(); });
  dialog.querySelector(".confirm-yes").addEventListener("click", () => {
    const flag = document.createElement("input");
    flag.type = "hidden";
    flag.name = "confirmed";
    flag.value = "1";
    form.appendChild(flag);
    if (submitter && submitter.name) {
      const pressed = document.createElement("input");
      pressed.type = "hidden";
      pressed.name = submitter.name;
      pressed.value = submitter.value;
      form.appendChild(pressed);
    }
    dialog.close();
    dialog.remove();
    form.submit();
  });
  dialog.showModal();
  dialog.querySelector(".confirm-yes").focus();
});
