export { startOrchestrator, negotiate, type OrchestratorOptions, type OrchestratorService } from "./orchestrator.js";
export { startDashboard, type DashboardService } from "./dashboard.js";
export { HttpError, bodyFormat, queryOptions, specFromBody, type BodyFormat, type QueryOptions } from "./submission.js";
