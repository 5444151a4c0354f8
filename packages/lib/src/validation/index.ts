export { roleProblem, MAX_ROLE_LENGTH } from './roles';
