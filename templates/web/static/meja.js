// The desk works without scripts; these only help: "Cetak" opens the print dialog, and a slow form says it is busy.
document.querySelectorAll("[data-cetak]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
// A walk-in's receipt takes a few seconds to make: say so, and keep a second click from sending twice.
document.querySelectorAll("form[data-sibuk]").forEach(function (form) {
  form.addEventListener("submit", function () {
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = true;
      button.textContent = form.dataset.sibuk;
    });
  });
});
