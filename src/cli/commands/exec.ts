// `exec`: a command inside any namespace of the lab, with the user's terminal.
import type { Command } from '@commander-js/extra-typings';
import { execInteractive } from '../../kernel/exec.ts';
import { requireRoot } from '../../lab/lab.ts';
import { resolveLab } from '../../lab/state.ts';
import { resolveTarget } from '../../lab/targets.ts';
import { labOption } from '../options.ts';

export function register(program: Command): void {
  program
    .command('exec')
    .argument('<target>', 'node, pod (name, namespace/name or IP), router or outside host')
    .argument('<cmd...>', 'command and arguments (after --)')
    .addOption(labOption())
    .description('run a command inside a node or pod namespace')
    .action(async (target, cmd, o) => {
      requireRoot('calilab exec');
      const t = resolveTarget(resolveLab(o.lab), target);
      process.exitCode = await execInteractive(t.netns, cmd);
    });
}
