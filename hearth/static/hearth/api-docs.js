// Starts Swagger UI on /api/v1/docs from the install's own copy (swagger-ui-dist), kept in
// a file rather than inline so a Content-Security-Policy without inline script allows it.
const root = document.getElementById("swagger-ui");
window.ui = SwaggerUIBundle({
  url: root.dataset.openapiUrl,
  dom_id: "#swagger-ui",
  deepLinking: true,
  layout: "BaseLayout",
  presets: [SwaggerUIBundle.presets.apis],
  // The default posts the schema to validator.swagger.io for a badge: no third parties.
  validatorUrl: null,
});
