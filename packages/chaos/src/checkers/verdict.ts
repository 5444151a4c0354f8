/** One thing a checker found wrong, with the entries of the history that show it. */
export interface Violation {
  kind: string;
  message: string;
  /** Index of the operation that shows it (the acknowledged write that was lost, the launch that ran twice). */
  op?: number;
  /** Index of the observation that shows it. */
  observation?: number;
  subject?: string;
}

export interface CheckerVerdict {
  checker: string;
  valid: boolean;
  /** What was checked, in numbers (targets, apps, tasks…): a verdict over nothing is not a pass. */
  checked: Record<string, number>;
  violations: Violation[];
}

export function verdict(checker: string, checked: Record<string, number>, violations: Violation[]): CheckerVerdict {
  return { checker, valid: violations.length === 0, checked, violations };
}
