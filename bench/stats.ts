// Statistics shared by the benchmark suites: one median, defined with the portable suites (Node and Chromium).
export { median } from './suites/portable.mjs';
