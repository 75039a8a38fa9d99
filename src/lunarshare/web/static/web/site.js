// Progressive enhancement only: every page works without JavaScript.
document.addEventListener("change", (event) => {
  const target = event.target;
  if (target.matches("select[data-autosubmit]")) target.form.submit();
});
