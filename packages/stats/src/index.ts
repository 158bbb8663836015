export { Welford } from "./welford.js";
export type { WelfordState } from "./welford.js";
export { LogHistogram } from "./log-histogram.js";
export type { LogHistogramOptions, LogHistogramState } from "./log-histogram.js";
export { TimeWeighted, BinnedTimeWeighted } from "./time-weighted.js";
export {
  logGamma,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  normalCdf,
  normalQuantile,
} from "./student-t.js";
export {
  confidenceInterval,
  pairedDifference,
  independentDifference,
  pairedRatioInterval,
  relativeHalfWidth,
} from "./confidence-interval.js";
export type { ConfidenceInterval, PairedDifference, IndependentDifference, RatioInterval } from "./confidence-interval.js";
export {
  erlangB,
  erlangC,
  mmcMeanWait,
  mmcMeanQueueLength,
  mmcWaitTailProbability,
  mmcMinServers,
  pollaczekKhinchineMeanWait,
} from "./queueing-theory.js";
