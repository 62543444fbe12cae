// opis: small enhancements shared by every page (the pages work without them).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // "Copy" buttons next to each citation format.
  const status = document.querySelector(".copy-status");
  for (const btn of document.querySelectorAll("button.copy[data-copy]")) {
    btn.hidden = false;
    btn.addEventListener("click", async () => {
      const source = document.getElementById(btn.dataset.copy);
      if (!source) return;
      const text = source.textContent;
      try {
        await navigator.clipboard.writeText(text);
      } catch (err) {
        const range = document.createRange();
        range.selectNodeContents(source);
        const sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        document.execCommand("copy");
      }
      if (status) status.textContent = btn.textContent.replace(/^Copy /, "") + " citation copied.";
    });
  }
});
