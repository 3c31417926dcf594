// Audit rows record the status and code the caller got: a failure reported by a service is given
// them here, from the one error table (services know no HTTP).
import { type AuditRecord, type AuditSink, auditTo } from "../services/audit.ts";
import { outcomeOf } from "./errors.ts";

/**
 * The services' audit sink over a store of rows; the sink returns what the store returns (the
 * audit log's promise that the row is kept for good).
 * @example new OrderService({ ..., audit: auditRecorder(auditLog.record) })
 */
export function auditRecorder(store: (r: AuditRecord) => void | Promise<void>): AuditSink {
  return auditTo(store, outcomeOf);
}
