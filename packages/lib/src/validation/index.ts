export { roleProblem, MAX_ROLE_LENGTH } from './roles';
export { sandboxPathProblem } from './sandbox-path';
