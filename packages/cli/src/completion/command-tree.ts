import type { Command } from 'commander';

/** What completion needs of a command: its words, what they do, its long options. */
export interface CommandNode {
  name: string;
  description: string;
  options: string[];
  children: CommandNode[];
}

/** The tree of a commander program, from the same definitions that parse the command line. */
export function commandTree(c: Command): CommandNode {
  return {
    name: c.name(),
    description: c.description(),
    options: c.options.map((o) => o.long).filter((l): l is string => !!l),
    children: c.commands.filter((s) => !(s as unknown as { _hidden?: boolean })._hidden).map(commandTree),
  };
}
