import { escapeCell as esc, table } from '../summary/markdown.js';
import type { ApprovalRecord } from './types.js';

/** A comment longer than this is cut: the section is a fixed part of the size-budgeted summary. */
export const MAX_COMMENT_CHARS = 500;

/** The job summary's approval section; every string from GitHub is escaped (comments are free text). */
export function renderApproval(approval: ApprovalRecord): string {
  const rows = approval.reviewers.map((r) => [`@${esc(r.login)}`, r.comment ? esc(cut(r.comment)) : '_no comment_']);
  return [
    '### Approval',
    `Environment **${esc(approval.environment)}**, approved by a required reviewer; this job runs in it (${esc(approval.jobBinding)}).`,
    table(['Approved by', 'Comment'], rows),
  ].join('\n\n');
}

function cut(text: string): string {
  const chars = [...text];
  return chars.length > MAX_COMMENT_CHARS ? `${chars.slice(0, MAX_COMMENT_CHARS).join('')}…` : text;
}

/** The approved-by output: logins, comma-separated, each once. */
export function approvedBy(approval: ApprovalRecord | undefined): string {
  return approval ? [...new Set(approval.reviewers.map((r) => r.login))].join(',') : '';
}
