/** The version every Strata service reports (agents and masters exchange it on registration). */
export const STRATA_VERSION = '0.1.0';
