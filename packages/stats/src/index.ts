export { Welford } from "./welford.js";
export { PairedMoments } from "./paired-moments.js";
export { LogHistogram } from "./log-histogram.js";
export type { LogHistogramOptions, LogHistogramState } from "./log-histogram.js";
export { studentTCdf, studentTQuantile } from "./student-t.js";
export {
  confidenceInterval,
  pairedDifference,
  independentDifference,
  pairedRatioInterval,
  relativeHalfWidth,
  confidenceIntervalOf,
  pairedDifferenceOf,
  pairedRatioIntervalOf,
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
