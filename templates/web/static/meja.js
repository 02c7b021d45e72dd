// The desk works without scripts; this only makes the "Cetak" buttons open the print dialog.
document.querySelectorAll("[data-cetak]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
