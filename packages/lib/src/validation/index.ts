export { roleProblem, MAX_ROLE_LENGTH } from './roles';
export { sandboxPathProblem } from './sandbox-path';
export { normalSecretPath, secretPathProblem, secretScopeProblem, MAX_SECRET_PATH_LENGTH } from './secret-path';
