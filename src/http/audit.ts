// Audit rows record the status and code the caller got: a failure reported by a service is given
// them here, from the one error table (services know no HTTP).
import { type AuditRecord, type AuditSink, auditTo } from "../services/audit.ts";
import { outcomeOf } from "./errors.ts";

/**
 * The services' audit sink over a store of rows.
 * @example new OrderService({ ..., audit: auditRecorder(history.audit) })
 */
export function auditRecorder(store: (r: AuditRecord) => void): AuditSink {
  return auditTo(store, outcomeOf);
}
