export { startMarathon } from './server';
export type { RunningMarathon } from './server';
export { Marathon } from './marathon';
export type { MarathonConfig } from './config';
export { validateApp } from './model/validation';
export type { AppDefinition } from './model/app-definition';
export { replaceStep } from './deployment/rolling-replace';
export { matchOffer } from './launch-queue/offer-matcher';
