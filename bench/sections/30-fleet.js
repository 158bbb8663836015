// The fleet benchmarks live in bench/fleet.js (also runnable on their own: node bench/fleet.js).
export { default } from "../fleet.js";
