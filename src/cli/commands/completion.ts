// `completion bash|zsh`: a completion script written from the program's own command tree, so a
// new command, subcommand, option or choice completes without anyone keeping a list.
import { Argument, type Command, type CommandUnknownOpts } from '@commander-js/extra-typings';

/** One `case` arm per pattern: the words to offer there. */
type Arms = [patterns: string[], words: readonly string[]][];

interface Tables {
  /** "<position>:<first word>" -> command or subcommand names, before the command is complete. */
  names: Arms;
  /** "<command path>" -> its long options. */
  options: Arms;
  /** "<command path>:<previous word>" -> the choices of that option. */
  optionValues: Arms;
  /** "<command path>:<index of the argument>" -> the choices of that argument. */
  argValues: Arms;
}

/** Every command that runs something (leaves), with its path, e.g. "node status". */
function leaves(cmd: CommandUnknownOpts, prefix = ''): [string, CommandUnknownOpts][] {
  return cmd.commands.flatMap((c) => {
    const path = prefix ? `${prefix} ${c.name()}` : c.name();
    return c.commands.length ? leaves(c, path) : [[path, c] as [string, CommandUnknownOpts]];
  });
}

function tables(program: CommandUnknownOpts): Tables {
  const top: Arms[number] = [['1:*'], program.commands.map((c) => c.name())];
  const t: Tables = { names: [top], options: [], optionValues: [], argValues: [] };
  for (const c of program.commands.filter((x) => x.commands.length)) {
    t.names.push([[`2:${c.name()}`], c.commands.map((s) => s.name())]);
  }
  for (const [path, c] of leaves(program)) {
    t.options.push([[path], [...c.options.map((o) => o.long ?? o.short!), '--help']]);
    for (const o of c.options.filter((x) => x.argChoices)) {
      const flags = [o.short, o.long].filter((f): f is string => !!f);
      t.optionValues.push([flags.map((f) => `${path}:${f}`), o.argChoices!]);
    }
    c.registeredArguments.forEach((a: Argument, i) => {
      if (a.argChoices) t.argValues.push([[`${path}:${i}`], a.argChoices]);
    });
  }
  return t;
}

/** A pattern quoted, because command paths hold spaces; a trailing * stays a glob. */
const quote = (p: string) => (p.endsWith('*') ? `"${p.slice(0, -1)}"*` : `"${p}"`);

/** A `case` on `subject` that sets `list` (an arm-less case is valid in both shells). */
function caseOf(subject: string, arms: Arms, indent: string): string {
  const lines = arms.map(([ps, ws]) => `${indent}  ${ps.map(quote).join('|')}) list="${ws.join(' ')}" ;;`);
  return [`${indent}case "${subject}" in`, ...lines, `${indent}esac`].join('\n');
}

/** What both shells do once the words are known: names, then options, option values, argument values. */
function body(t: Tables, parents: string[], word: (k: string) => string): string {
  // A command with subcommands is named by two words (node status), so its arguments start one later.
  const nested = parents.length
    ? `  case "$first" in\n    ${parents.map(quote).join('|')}) cmd="$first ${word('2')}"; at=3 ;;\n  esac\n`
    : '';
  return `${nested}  # the argument under the cursor, counted after the command; unknown (-1) once an option came first
  n=$((i - at))
  for ((k = at; k < i; k++)); do [[ ${word('k')} == -* ]] && n=-1; done
  if ((i < at)); then
${caseOf('$i:$first', t.names, '    ')}
  elif [[ $cur == -* ]]; then
${caseOf('$cmd', t.options, '    ')}
  else
${caseOf('$cmd:$prev', t.optionValues, '    ')}
    [ -n "$list" ] || ${caseOf('$cmd:$n', t.argValues, '    ').trimStart()}
  fi`;
}

export function completion(program: CommandUnknownOpts, shell: 'bash' | 'zsh'): string {
  const t = tables(program);
  const parents = program.commands.filter((c) => c.commands.length).map((c) => c.name());
  if (shell === 'zsh') {
    // zsh's $words starts with the program at 1: bash's word k is zsh's k+1.
    return `#compdef calilab
_calilab() {
  local cur=$PREFIX prev=\${words[CURRENT-1]} i=$((CURRENT - 1))
  local first=\${words[2]} cmd=\${words[2]} at=2 n k list=
${body(t, parents, (k) => `\${words[${k === 'k' ? 'k+1' : Number(k) + 1}]}`)}
  if [[ -n $list ]]; then
    compadd -- \${=list}
  else
    _files -g '*.y(a|)ml'
  fi
}
compdef _calilab calilab
`;
  }
  return `_calilab() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]} i=$COMP_CWORD
  local first=\${COMP_WORDS[1]} cmd=\${COMP_WORDS[1]} at=2 n k list=
${body(t, parents, (k) => `\${COMP_WORDS[${k}]}`)}
  if [ -n "$list" ]; then
    COMPREPLY=( $(compgen -W "$list" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur") )
  fi
}
complete -F _calilab calilab
`;
}

export function register(program: Command): void {
  program
    .command('completion')
    .addArgument(new Argument('<shell>', 'bash | zsh').choices(['bash', 'zsh']))
    .description('print a shell completion script: source <(calilab completion bash)')
    // Written when asked, from the finished program: every command is registered by then.
    .action((shell) => void process.stdout.write(completion(program, shell)));
}
