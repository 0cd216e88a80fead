// Builds the front-end bundles into build/static/ (git-ignored; settings.py serves the
// folder as static files). Run by `npm run build`, which `make install` calls after `npm ci`.
import { build } from "esbuild";

await build({
  entryPoints: { "hearth/charts/echarts-health": "assets/echarts-health.js" },
  outdir: "build/static",
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019"],
  legalComments: "linked",
  logLevel: "warning",
  metafile: false,
});
