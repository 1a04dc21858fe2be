// calicoctl's resource commands on a running lab: `get KIND [NAME...]` as calicoctl prints it
// (tables, -o yaml, -o json; kubectl's `get pods -o wide` too), and `apply | create | replace |
// delete -f FILE|-` through the one reconcile path. Messages are calicoctl v3.30.7's.
import { readFileSync } from 'node:fs';
import { Argument, type Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import {
  applyPolicies,
  applyResources,
  namedDocument,
  readResources,
  resourcesOf,
} from '../../calico/calicoctl/apply.ts';
import { holdsPolicies, namedPolicyText, POLICY_KINDS } from '../../calico/calicoctl/policies.ts';
import type { Action } from '../../calico/calicoctl/changes.ts';
import { ResourceError } from '../../calico/calicoctl/changes.ts';
import { kubectlPodsWide } from '../../calico/calicoctl/kubectl.ts';
import { type GetRequest, getOutput } from '../../calico/calicoctl/get.ts';
import { KIND_ALIASES, resolveKind } from '../../calico/calicoctl/resources.ts';
import { requireRoot } from '../../lab/lab.ts';
import { resolveLab } from '../../lab/state.ts';
import { labOption } from '../options.ts';
import { progress, UsageError } from '../output.ts';

const POD_KINDS = ['pod', 'pods', 'po'];
const COMPLETED_KINDS = [
  'ippool',
  'bgpconfig',
  'bgppeer',
  'felixconfig',
  'node',
  'wep',
  'networkpolicy',
  'globalnetworkpolicy',
  'ipamblock',
  'blockaffinity',
  'pods',
];

/** resourcemgr.go:372-375: an exact, case-insensitive alias, else calicoctl's message. */
function kindOf(alias: string, pods = false): string {
  if (pods && POD_KINDS.includes(alias.toLowerCase())) return 'pods';
  const kind = resolveKind(alias);
  if (!kind) {
    const known = [...Object.keys(KIND_ALIASES), ...(pods ? POD_KINDS : [])].join(', ');
    throw new InvalidArgumentError(`resource type '${alias}' is not supported; use one of: ${known}`);
  }
  return kind;
}

function registerGet(program: Command): void {
  program
    .command('get')
    .addArgument(
      // The choices are what completion offers and help lists; the parser takes every calicoctl alias.
      new Argument('<kind>', "a kind, by any of calicoctl's names")
        .choices(COMPLETED_KINDS)
        .argParser((v: string) => kindOf(v, true)),
    )
    .argument('[names...]', 'resource names (default: all)')
    .addOption(new Option('-o, --output <format>', 'ps | wide | yaml | json').choices(['ps', 'wide', 'yaml', 'json']))
    .option('-A, --all-namespaces', 'every namespace (namespaced kinds)')
    .option('-n, --namespace <ns>', 'this namespace (namespaced kinds)')
    .addOption(labOption())
    .description('resources of a running lab as calicoctl prints them (and pods as kubectl does)')
    .addHelpText(
      'after',
      '\nExamples:\n  calilab get ippool -o wide\n  calilab get node k8s-w1 -o yaml\n' +
        '  calilab get ippool default-ipv4-ippool -o yaml | sed -e "s/ipipMode: Always/ipipMode: Never/" | ' +
        'calilab apply -f -\n  calilab get pods -A -o wide',
    )
    .action((kind, names, o) => {
      const rec = resolveLab(o.lab);
      if (kind === 'pods') process.stdout.write(kubectlPodsWide(rec, !!o.allNamespaces, new Date()));
      else {
        const output = (o.output ?? 'ps') as GetRequest['output'];
        const r = getOutput(rec, resourcesOf(rec), { ...o, kind, names, output });
        process.stdout.write(r.text);
        if (r.missing.length) throw new ResourceError(r.missing.join('\n'));
      }
    });
}

/** The input of -f: a file, or stdin read as a stream (readFileSync(0) fails with EAGAIN when
 *  stdin is a non-blocking pipe, as in `get … | sed … | apply -f -`). */
async function readInput(file: string): Promise<{ text: string; source: string }> {
  try {
    if (file !== '-') return { text: readFileSync(file, 'utf8'), source: file };
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return { text: Buffer.concat(chunks).toString('utf8'), source: file };
  } catch (e) {
    throw new UsageError(`cannot read ${file === '-' ? 'stdin' : file}: ${(e as Error).message}`, { cause: e });
  }
}

type ChangeOptions = { filename?: string; lab?: string; namespace?: string };

/** The input of a change: the file (or stdin), or the one resource `delete KIND NAME` names. */
async function changeInput(action: Action, o: ChangeOptions) {
  if (!o.filename) throw new UsageError(`calilab ${action} needs -f FILE (or -f - for stdin)`);
  return readInput(o.filename);
}

async function change(action: Action, o: ChangeOptions, named?: [string, string]) {
  requireRoot(`calilab ${action}`);
  const rec = resolveLab(o.lab);
  let r: Awaited<ReturnType<typeof applyResources>>;
  if (named && (POLICY_KINDS as readonly string[]).includes(named[0])) {
    const text = namedPolicyText(rec, named[0], named[1], o.namespace);
    r = await applyPolicies(rec, text, `${named[0]} ${named[1]}`, action);
  } else if (named) {
    const current = resourcesOf(rec);
    r = await applyResources(rec, [namedDocument(current, named[0], named[1])], action, named.join(' '), current);
  } else {
    const input = await changeInput(action, o);
    if (holdsPolicies(input.text, input.source)) r = await applyPolicies(rec, input.text, input.source, action);
    else {
      const current = resourcesOf(rec);
      const docs = readResources(rec, input.text, input.source, current);
      r = await applyResources(rec, docs, action, input.source, current);
    }
  }
  if (r.changed.length) progress(`${r.changed.join(', ')} converged`, r.ms);
  process.stdout.write(`${r.message}\n`);
}

function registerChanges(program: Command): void {
  const about: Record<Action, string> = {
    apply: 'create or update resources',
    create: 'create resources (an existing one is an error)',
    replace: 'update resources (a missing one is an error)',
    delete: 'delete resources',
  };
  for (const action of ['apply', 'create', 'replace', 'delete'] as const) {
    const cmd = program
      .command(action)
      .option(
        '-f, --filename <file>',
        'YAML or JSON file of projectcalico.org/v3 resources, or of network policies ' +
          '(networking.k8s.io/v1 or projectcalico.org/v3), or - for stdin',
      )
      .addOption(labOption())
      .description(`${about[action]} on a running lab, as calicoctl ${action} does, through the one reconcile path`);
    if (action === 'delete') {
      cmd
        .option('-n, --namespace <namespace>', "a NetworkPolicy's namespace, when deleting by name", 'default')
        .argument('[kind]', 'kind, when deleting by name', (v: string) => kindOf(v))
        .argument('[name]', 'name')
        .action(async (kind, name, o) => change(action, o, kind && name ? [kind, name] : undefined));
    } else cmd.action(async (o) => change(action, o));
  }
}

export function register(program: Command): void {
  registerGet(program);
  registerChanges(program);
}
