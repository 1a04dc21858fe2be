// `calilab completion bash|zsh`: completes command names and topology files.
export const COMMANDS = ['up', 'down', 'clean', 'run', 'verify', 'status', 'exec', 'ping', 'trace', 'mtu', 'patch', 'get', 'node', 'pod', 'ipam', 'stop-bird', 'start-bird', 'link', 'capture', 'doc', 'graph', 'vm', 'completion'];

export function completion(shell: string): string {
  if (shell === 'zsh') {
    return `#compdef calilab\n_calilab() {\n  if (( CURRENT == 2 )); then\n    compadd ${COMMANDS.join(' ')}\n  else\n    _files -g '*.y(a|)ml'\n  fi\n}\ncompdef _calilab calilab\n`;
  }
  return `_calilab() {\n  local cur=\${COMP_WORDS[COMP_CWORD]}\n  if [ "$COMP_CWORD" -eq 1 ]; then\n    COMPREPLY=( $(compgen -W "${COMMANDS.join(' ')}" -- "$cur") )\n  else\n    COMPREPLY=( $(compgen -f -X '!*.y*ml' -- "$cur") $(compgen -d -- "$cur") )\n  fi\n}\ncomplete -F _calilab calilab\n`;
}
