// calilab's command line: builds the program and registers the command groups; the commands
// themselves (src/cli/commands/) parse, call the lab, verify and report modules, and print.
import { readFileSync } from 'node:fs';
import { Command, type CommanderError } from '@commander-js/extra-typings';
import { useSystemPath } from '../kernel/system-path.ts';
import { register as changes } from './commands/changes.ts';
import { register as completion } from './commands/completion.ts';
import { register as doc } from './commands/doc.ts';
import { register as exec } from './commands/exec.ts';
import { register as lifecycle } from './commands/lifecycle.ts';
import { register as resources } from './commands/resources.ts';
import { register as verify } from './commands/verify.ts';
import { register as views } from './commands/views.ts';
import { register as vm } from './commands/vm.ts';
import { addExamples } from './examples.ts';
import { EXIT, fail } from './output.ts';

useSystemPath();

const ASKED = ['commander.helpDisplayed', 'commander.help', 'commander.version'];

/** Help and version asked for exit 0; every other parse failure (commander printed why) is bad input. */
function exitAfterCommander(err: CommanderError): never {
  const asked = err.exitCode === 0 && ASKED.includes(err.code);
  process.exit(asked ? EXIT.ok : EXIT.badInput);
}

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const program = new Command('calilab')
  .version(pkg.version)
  .description("Calico's pod network from real namespaces, BIRD and tcpdump")
  // Set before any command is added: commander copies these settings into each new command.
  .showHelpAfterError()
  .exitOverride(exitAfterCommander)
  .addHelpText(
    'after',
    `
Examples:
  sudo calilab run topologies/calico-ipip-3node.yaml --verify   build, ping every pod pair, tear down
  sudo calilab up topologies/calico-ipip-3node.yaml             build and leave running
  sudo calilab exec k8s-cp1 -- route -n                         a command inside a node
  sudo calilab down                                             remove the running lab
  sudo calilab vm -- npx calilab run topologies/calico-ipip-3node.yaml --verify
                                                                 the same inside a VM with ipip/wireguard`,
  );

for (const group of [lifecycle, verify, views, resources, exec, changes, doc, vm, completion]) group(program);
addExamples(program);
program.parseAsync(process.argv).catch(fail);
