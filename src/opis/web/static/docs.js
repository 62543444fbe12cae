// Start Swagger UI on /docs from the locally served bundle (no inline script: CSP allows 'self' only).
"use strict";
window.addEventListener("load", () => {
  const el = document.getElementById("swagger-ui");
  if (el && window.SwaggerUIBundle) {
    window.SwaggerUIBundle({ url: el.dataset.url, domNode: el, deepLinking: true });
  }
});
