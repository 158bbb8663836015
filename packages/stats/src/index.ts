export { LogHistogram } from "./log-histogram.js";
export type { LogHistogramOptions, LogHistogramState } from "./log-histogram.js";
export {
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
  erlangC,
  mmcMeanWait,
  mmcMeanQueueLength,
  mmcWaitTailProbability,
  mmcMinServers,
  pollaczekKhinchineMeanWait,
} from "./queueing-theory.js";
