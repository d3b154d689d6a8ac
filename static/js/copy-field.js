// A "copy" button beside a read-only field. Without script (or without the clipboard) the button
// stays hidden and the field can be selected and copied by hand.
document.querySelectorAll("[data-copy-target]").forEach((button) => {
  const field = document.getElementById(button.dataset.copyTarget);
  if (!field || !navigator.clipboard) {
    return;
  }
  const status = document.getElementById("kopieret-status");
  button.hidden = false;
  button.addEventListener("click", () => {
    navigator.clipboard.writeText(field.value).then(
      () => {
        if (status) {
          status.textContent = button.dataset.copiedText;
        }
      },
      () => {
        field.focus();
        field.select();
      },
    );
  });
});
