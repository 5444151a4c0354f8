export { commandTree, type CommandNode } from './command-tree';
export { bashScript, zshScript } from './scripts';
