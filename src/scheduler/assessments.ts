import type { Logger } from 'pino';
import { reminderDue } from '../domain/assessments.js';
import { addDaysToDateKey, localDateKey } from '../domain/time.js';
import type { Db } from '../db/client.js';
import { claimReminderCandidates, updateAssessment } from '../db/queries/assessments.js';
import { remindUnit, syncAssessmentCards } from '../workflow/assessments.js';
import type { ViewContext } from '../workflow/item-view.js';

/**
 * 舆情风险评估 reminder (notice §3.2): `policy.assessments.remind_days_before` days before the
 * release date (from the end of quiet hours, local time), an assessment still without a response
 * plan or wording gets one reminder in its unit's chat. `reminded_for` is set in the same
 * transaction as the message row, and candidates are claimed with SKIP LOCKED, so neither a
 * replica nor the next sweep reminds twice; a release date that moves may be reminded again.
 */
export async function remindAssessments(db: Db, view: ViewContext, log: Logger): Promise<number> {
  const today = localDateKey(view.now, view.tz);
  const reminded = await db.transaction(async (tx) => {
    const candidates = await claimReminderCandidates(tx, today, addDaysToDateKey(today, view.policy.assessments.remind_days_before));
    let sent = 0;
    for (const candidate of candidates) {
      if (!reminderDue(candidate, view.policy, view.now, view.tz)) continue;
      const a = await updateAssessment(tx, candidate.id, { remindedFor: candidate.releaseDate, updatedAt: view.now });
      await remindUnit(tx, a, view);
      await syncAssessmentCards(tx, a, view);
      sent += 1;
    }
    return sent;
  });
  if (reminded > 0) log.info({ reminded }, 'risk assessments without a plan reminded before release');
  return reminded;
}
