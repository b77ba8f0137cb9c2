import { approveDisposal, consultationSubmit, convene } from '../workflow/actions/consultation.js';
import { cardAction, type CardAction } from '../workflow/actions/common.js';
import { openForm } from '../workflow/actions/forms.js';
import { handoverAck, handoverSubmit } from '../workflow/actions/handover.js';
import { close, reopen, showItem } from '../workflow/actions/lifecycle.js';
import { acknowledge, approveDraft, confirmWording, draftSubmit, publicationSubmit, returnDraft, verifySubmit } from '../workflow/actions/main-path.js';
import { instructionSubmit, mediaSubmit, rectificationSubmit } from '../workflow/actions/records.js';
import { disputeInsist, disputeReassign, disputeSubmit, route } from '../workflow/actions/routing.js';
import { leadRegister, leadReject, leadRejectSubmit } from '../workflow/actions/leads.js';
import { registerSubmit } from '../workflow/actions/register.js';
import { assessApprove, assessReady, assessRequest, assessReturn, assessSubmit } from '../workflow/actions/assessments.js';
import {
  assessmentValue,
  confirmWordingValue,
  consultationValue,
  disposalValue,
  disputeValue,
  draftValue,
  handoverValue,
  itemValue,
  leadValue,
  noValue,
  openFormValue,
  publicationForm,
  registerValue,
  routeValue,
} from '../workflow/actions/values.js';

/**
 * Every card button and form submit, by the `action` in its callback value, with the schema of
 * the value it carries (values.ts). The dispatcher parses the value before the action runs; a
 * payload that fails is refused there (toast, `bad_payload` security event, nothing changed).
 */
export const CARD_ACTIONS: Record<string, CardAction> = {
  open_form: cardAction(openFormValue, openForm),
  acknowledge: cardAction(itemValue, acknowledge),
  route: cardAction(routeValue, route),
  dispute_submit: cardAction(itemValue, disputeSubmit),
  dispute_reassign: cardAction(disputeValue, disputeReassign),
  dispute_insist: cardAction(disputeValue, disputeInsist),
  verify_submit: cardAction(itemValue, verifySubmit),
  draft_submit: cardAction(itemValue, draftSubmit),
  approve_draft: cardAction(draftValue, approveDraft),
  return_draft: cardAction(draftValue, returnDraft),
  confirm_wording: cardAction(confirmWordingValue, confirmWording),
  publication_submit: cardAction(itemValue, publicationSubmit, { form: publicationForm }),
  media_submit: cardAction(itemValue, mediaSubmit),
  rectification_submit: cardAction(itemValue, rectificationSubmit),
  instruction_submit: cardAction(itemValue, instructionSubmit),
  handover_submit: cardAction(itemValue, handoverSubmit),
  handover_ack: cardAction(handoverValue, handoverAck),
  convene: cardAction(itemValue, convene),
  consultation_submit: cardAction(consultationValue, consultationSubmit),
  approve_disposal: cardAction(disposalValue, approveDisposal),
  close: cardAction(itemValue, close),
  reopen: cardAction(itemValue, reopen),
  show_item: cardAction(itemValue, showItem),
  register_submit: cardAction(registerValue, registerSubmit),
  lead_register: cardAction(leadValue, leadRegister),
  lead_reject: cardAction(leadValue, leadReject),
  lead_reject_submit: cardAction(leadValue, leadRejectSubmit),
  assess_submit: cardAction(noValue, assessSubmit),
  assess_ready: cardAction(assessmentValue, assessReady),
  assess_request: cardAction(assessmentValue, assessRequest),
  assess_approve: cardAction(assessmentValue, assessApprove),
  assess_return: cardAction(assessmentValue, assessReturn),
};
