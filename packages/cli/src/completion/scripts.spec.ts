import { spawnSync } from 'node:child_process';
import { Command } from 'commander';
import { commandTree } from './command-tree';
import { bashScript, zshScript } from './scripts';

/** A small program, as main.ts builds the real one. */
function program(): Command {
  const p = new Command('demo');
  const app = p.command('app').description("apps: 'quoted' words");
  app.command('add').argument('[file]').option('--wait').option('--json');
  app.command('show').argument('<id>').option('--json');
  p.command('job').command('list');
  return p;
}

/** What bash's completion offers for a command line (the last word is the one being completed). */
function complete(words: string[]): string[] {
  const script = bashScript(commandTree(program()), 'demo');
  const r = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _demo; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', 'demo', ...words], { encoding: 'utf8', cwd: __dirname });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

describe('bash completion', () => {
  it('offers the commands at each level, and skips arguments and options to find the level', () => {
    expect(complete([''])).toEqual(['app', 'job']);
    expect(complete(['app', ''])).toEqual(['add', 'show']);
    expect(complete(['app', 's'])).toEqual(['show']);
    expect(complete(['--json', 'job', 'l'])).toEqual(['list']);
  });

  it("offers a command's options for a word starting with -, files where no command is left", () => {
    expect(complete(['app', 'add', '--'])).toEqual(['--wait', '--json']);
    expect(complete(['app', 'show', '/web', '--j'])).toEqual(['--json']);
    expect(complete(['app', 'add', 'scripts.s'])).toEqual(['scripts.spec.ts']);
  });

  it('quotes descriptions and words so the script stays valid shell', () => {
    const r = spawnSync('bash', ['-n'], { input: bashScript(commandTree(program()), 'demo'), encoding: 'utf8' });
    expect(r.status).toBe(0);
  });
});

describe('zsh completion', () => {
  const zsh = (body: string) => spawnSync('zsh', ['-f', '-c', `${zshScript(commandTree(program()), 'demo')}\n${body}`], { encoding: 'utf8' });

  it('is valid zsh and loads without compinit', () => {
    const r = spawnSync('zsh', ['-n'], { input: zshScript(commandTree(program()), 'demo'), encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(zsh('print ok').stdout).toBe('ok\n');
  });

  it('describes each subcommand, with a colon in a description escaped, and lists options', () => {
    const r = zsh(`_demo_words ''; print -rl -- $reply; _demo_words 'app add'; print -rl -- $opts`);
    expect(r.stdout.split('\n').filter(Boolean)).toEqual(["app:apps\\: 'quoted' words", 'job:', '--wait', '--json']);
  });
});
