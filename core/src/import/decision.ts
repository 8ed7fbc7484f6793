/**
 * Whether an analysed file may be imported, and if not, why — in words the person importing can act on.
 * Errors block. Warnings, and mappings that need a person's confirmation, need the import to be confirmed
 * with "accept warnings". A file that is not a budget needs an override with a reason, and personal
 * identifiers block whatever the override.
 */
import type { Analysis, Issue } from '../analysis/types.ts';

export interface ImportConsent {
  acceptWarnings: boolean;
  /** Why this file is imported although it does not look like a budget; absent means no override. */
  overrideKindReason?: string | undefined;
}

export interface ImportDecision {
  allowed: boolean;
  /** Why it is refused (null when allowed). */
  reason: string | null;
  /** The issues the decision rests on: the analysis's, the plan's, and unconfirmed mappings as warnings. */
  issues: Issue[];
}

export function decideImport(analysis: Analysis, planIssues: readonly Issue[], consent: ImportConsent): ImportDecision {
  const overridden = analysis.kind.kind !== 'budget' && !!consent.overrideKindReason?.trim();
  const issues: Issue[] = [...analysis.issues, ...planIssues];
  for (const m of analysis.mapping) {
    if (!m.needsConfirmation) continue;
    issues.push({
      severity: 'warning',
      code: 'mapping.unconfirmed',
      message: `Column ${m.column} ("${m.header}") was mapped to ${m.field} with ${Math.round(m.confidence * 100)}% confidence (${m.reason}). Confirm it, or map the column yourself.`,
      row: analysis.headerRow,
      column: m.column,
      ...(m.field !== 'dimension' && m.field !== 'direction' ? { field: m.field } : {}),
    });
  }

  // An override waives the kind check only; every other error still blocks.
  const blocking = issues.filter((i) => i.severity === 'error' && !(overridden && i.code === 'kind.mismatch'));
  const warnings = issues.filter((i) => i.severity === 'warning');
  if (analysis.kind.kind !== 'budget' && !overridden) {
    return refuse(
      issues,
      `This file looks like ${analysis.kind.kind.replace('_', ' ')}, not a budget. Import it only with an override and a reason.`,
    );
  }
  if (blocking.length > 0) {
    const first = blocking[0] as Issue;
    const more = blocking.length > 1 ? ` (and ${blocking.length - 1} more error${blocking.length > 2 ? 's' : ''})` : '';
    return refuse(issues, `${first.message}${more}`);
  }
  if (analysis.lines.length === 0) return refuse(issues, 'The file has no budget lines to import.');
  if (warnings.length > 0 && !consent.acceptWarnings) {
    return refuse(
      issues,
      `The file has ${warnings.length} warning${warnings.length > 1 ? 's' : ''} (first: ${(warnings[0] as Issue).message}). Review them, then import again accepting the warnings.`,
    );
  }
  return { allowed: true, reason: null, issues };
}

function refuse(issues: Issue[], reason: string): ImportDecision {
  return { allowed: false, reason, issues };
}
