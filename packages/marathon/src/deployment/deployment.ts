import type { AppDefinition } from '../model/app-definition';

export type ActionName = 'StartApplication' | 'StopApplication' | 'ScaleApplication' | 'RestartApplication';

/** A running deployment, in the shape /v2/deployments shows, plus what a rollback needs. */
export interface Deployment {
  id: string;
  version: string;
  affectedApps: string[];
  steps: { actions: { action: ActionName; app: string }[] }[];
  currentStep: number;
  totalSteps: number;
  /** Per app: the definition before this deployment (undefined: the app did not exist). */
  original: Record<string, AppDefinition | null>;
  /** Per app: the (1-based) step that moves it; apps wait until their step is current. */
  appStep: Record<string, number>;
}
