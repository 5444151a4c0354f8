import type { Request, Response } from 'express';
import type { ErrorDetail } from '@strata/lib';
import type { Deployment } from '../deployment/deployment';

/** Marathon's 422: `{"message":"Object is not valid","details":[{"path","errors"}]}`. */
export function invalid(res: Response, details: ErrorDetail[]): void {
  res.status(422).json({ message: 'Object is not valid', details });
}

export function notFoundApp(res: Response, id: string): void {
  res.status(404).json({ message: `App '${id}' does not exist` });
}

/** `{deploymentId, version}` with the Marathon-Deployment-Id header, on every change. */
export function deploymentResult(res: Response, d: Deployment, status: number): void {
  res.status(status).set('Marathon-Deployment-Id', d.id).json({ deploymentId: d.id, version: d.version });
}

export function queryFlag(req: Request, name: string, fallback: boolean): boolean {
  const v = req.query[name];
  if (v === undefined) return fallback;
  return String(v) === 'true' || String(v) === '';
}
