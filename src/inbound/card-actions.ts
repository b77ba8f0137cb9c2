import { approveDisposal, consultationSubmit, convene } from '../workflow/actions/consultation.js';
import type { ActionHandler } from '../workflow/actions/common.js';
import { openForm } from '../workflow/actions/forms.js';
import { handoverAck, handoverSubmit } from '../workflow/actions/handover.js';
import { close, reopen, showItem } from '../workflow/actions/lifecycle.js';
import { acknowledge, approveDraft, confirmWording, draftSubmit, publicationSubmit, returnDraft, verifySubmit } from '../workflow/actions/main-path.js';
import { instructionSubmit, mediaSubmit, rectificationSubmit } from '../workflow/actions/records.js';
import { disputeInsist, disputeReassign, disputeSubmit, route } from '../workflow/actions/routing.js';
import { leadRegister, leadReject, leadRejectSubmit } from '../workflow/actions/leads.js';
import { registerSubmit } from '../workflow/actions/register.js';
import { assessApprove, assessReady, assessRequest, assessReturn, assessSubmit } from '../workflow/actions/assessments.js';

/** Every card button and form submit, by the `action` in its callback value. */
export const CARD_ACTIONS: Record<string, ActionHandler> = {
  open_form: openForm,
  acknowledge,
  route,
  dispute_submit: disputeSubmit,
  dispute_reassign: disputeReassign,
  dispute_insist: disputeInsist,
  verify_submit: verifySubmit,
  draft_submit: draftSubmit,
  approve_draft: approveDraft,
  return_draft: returnDraft,
  confirm_wording: confirmWording,
  publication_submit: publicationSubmit,
  media_submit: mediaSubmit,
  rectification_submit: rectificationSubmit,
  instruction_submit: instructionSubmit,
  handover_submit: handoverSubmit,
  handover_ack: handoverAck,
  convene,
  consultation_submit: consultationSubmit,
  approve_disposal: approveDisposal,
  close,
  reopen,
  show_item: showItem,
  register_submit: registerSubmit,
  lead_register: leadRegister,
  lead_reject: leadReject,
  lead_reject_submit: leadRejectSubmit,
  assess_submit: assessSubmit,
  assess_ready: assessReady,
  assess_request: assessRequest,
  assess_approve: assessApprove,
  assess_return: assessReturn,
};
