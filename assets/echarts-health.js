/* The ECharts the health dashboard draws with: only its chart types, components and the
   SVG renderer, instead of the whole library (echarts.min.js). Bundled at setup by
   `npm run build` (assets/build.mjs) into build/static/, never committed; health.js loads
   it when the first chart scrolls into view. */
import { use, init, getInstanceByDom } from "echarts/core";
import { BarChart, GraphChart, HeatmapChart, LineChart, SankeyChart } from "echarts/charts";
import {
  AriaComponent,
  GridComponent,
  LegendPlainComponent,
  TooltipComponent,
  VisualMapContinuousComponent,
} from "echarts/components";
import { LabelLayout } from "echarts/features";
import { SVGRenderer } from "echarts/renderers";

use([
  LineChart, BarChart, HeatmapChart, SankeyChart, GraphChart,
  GridComponent, TooltipComponent, LegendPlainComponent, VisualMapContinuousComponent, AriaComponent,
  LabelLayout, SVGRenderer,
]);

// The same name the full build used, so health.js and the browser tests find it.
window.echarts = { init, getInstanceByDom };
