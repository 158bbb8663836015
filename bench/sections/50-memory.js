// Peak memory against the replication count, embedded and on the fleet: bench/memory.js (also runnable on its own).
export { default } from "../memory.js";
