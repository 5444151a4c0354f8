import type { CommandNode } from './command-tree';

/** Every command path below the root ('' for the root itself): `app`, `app add`, … */
function paths(node: CommandNode, prefix = ''): { path: string; node: CommandNode }[] {
  return [{ path: prefix, node }, ...node.children.flatMap((c) => paths(c, prefix ? `${prefix} ${c.name}` : c.name))];
}

/** In single quotes for a shell: a quote closes, is escaped, and reopens. */
const quoted = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/**
 * bash: the words after `strata` that name commands pick the path (arguments and options are
 * skipped); a word starting with `-` completes to the path's options, any other to its
 * subcommands, and to files where there are none (a definition file, a sandbox path).
 */
export function bashScript(root: CommandNode, bin = 'strata'): string {
  const all = paths(root);
  const fn = `_${bin.replace(/\W/g, '_')}`;
  const cases = all.map(({ path, node }) => `    ${quoted(path)}) if [ "$2" = options ]; then echo ${quoted(node.options.join(' '))}; else echo ${quoted(node.children.map((c) => c.name).join(' '))}; fi ;;`);
  return `# bash completion for ${bin}: source <(${bin} completion bash)
${fn}_words() {
  case "$1" in
${cases.join('\n')}
    *) return 1 ;;
  esac
}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" cmdpath="" w next
  for w in "\${COMP_WORDS[@]:1:COMP_CWORD-1}"; do
    case "$w" in -*) continue ;; esac
    next="\${cmdpath:+$cmdpath }$w"
    ${fn}_words "$next" >/dev/null && cmdpath="$next"
  done
  local IFS=$' \\t\\n'
  case "$cur" in
    -*) COMPREPLY=( $(compgen -W "$(${fn}_words "$cmdpath" options)" -- "$cur") ) ;;
    *) COMPREPLY=( $(compgen -W "$(${fn}_words "$cmdpath")" -- "$cur") )
       if [ \${#COMPREPLY[@]} -eq 0 ]; then COMPREPLY=( $(compgen -f -- "$cur") ); fi ;;
  esac
}
complete -F ${fn} ${bin}
`;
}

/** zsh: the same walk, offering each subcommand with its description (`_describe`) and the options. */
export function zshScript(root: CommandNode, bin = 'strata'): string {
  const all = paths(root);
  const fn = `_${bin.replace(/\W/g, '_')}`;
  const cases = all.map(({ path, node }) => {
    const described = node.children.map((c) => quoted(`${c.name}:${c.description.replace(/:/g, '\\:')}`));
    return `    ${quoted(path)}) reply=(${described.join(' ')}); opts=(${node.options.map(quoted).join(' ')}) ;;`;
  });
  return `#compdef ${bin}
# zsh completion for ${bin}: source <(${bin} completion zsh), or save as _${bin} in your $fpath
${fn}_words() {
  case "$1" in
${cases.join('\n')}
    *) return 1 ;;
  esac
}
${fn}() {
  local cmdpath="" w next
  local -a reply opts
  for w in "\${(@)words[2,CURRENT-1]}"; do
    [[ "$w" == -* ]] && continue
    next="\${cmdpath:+$cmdpath }$w"
    ${fn}_words "$next" && cmdpath="$next"
  done
  ${fn}_words "$cmdpath"
  if [[ "$PREFIX" == -* ]]; then compadd -- "\${opts[@]}"
  elif (( \${#reply} )); then _describe -t commands '${bin} command' reply
  else _files; fi
}
if (( $+functions[compdef] )); then compdef ${fn} ${bin}; fi
`;
}
