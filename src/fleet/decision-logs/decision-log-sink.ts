import type { DecisionSink } from '../../audit/auditor.js';
import { toDecisionLogEvent, type EventContext } from './decision-event.js';
import type { LogUploader } from './log-uploader.js';

/**
 * Feeds the auditor's decision records to the uploader as OPA decision-log events. The auditor
 * has already applied `system.log.mask` and `system.log.drop` (a denial is never dropped) and
 * written the local hash-chained record, which stays the source of truth.
 */
export function decisionLogSink(uploader: LogUploader, context: EventContext): DecisionSink {
  let reqId = 0;
  return (decision) => {
    reqId += 1;
    uploader.log(toDecisionLogEvent(decision, context, reqId));
  };
}
