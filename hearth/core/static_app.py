"""``django.contrib.staticfiles`` with the files ``collectstatic`` leaves out: source maps,
type declarations and the npm packages' builds that no page loads (Swagger UI's ES bundles
and standalone preset, htmx's unminified and module builds). Collecting them would only
make every first start of ``hearth serve`` compress megabytes nobody fetches; the test
server and HEARTH_DEBUG still find them in their source folders."""

from django.contrib.staticfiles.apps import StaticFilesConfig


class HearthStaticFilesConfig(StaticFilesConfig):
    ignore_patterns = [
        *StaticFilesConfig.ignore_patterns,  # CVS, .*, *~
        "*.map",
        "*.d.ts",
        "*.md",
        "package.json",
        "index.html",
        "swagger-ui-es-bundle*",
        "swagger-ui-standalone-preset*",
        "swagger-ui.js",
        "swagger-initializer.js",
        "oauth2-redirect.*",
        "absolute-path.js",
        "index.js",
        "log.*",
        "htmx.js",
        "htmx.esm.js",
        "htmx.cjs.js",
        "htmx.amd.js",
        "htmx.min.js.gz",
    ]
