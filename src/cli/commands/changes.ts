// Changing a running lab in place: calicoctl-style patches, pod churn, and the failures one can
// inject (a node's BIRD stopped, its underlay link cut).
import { Argument, type Command } from '@commander-js/extra-typings';
import { requireRoot } from '../../lab/lab.ts';
import { patchedTopology, topologyWithoutPod, topologyWithPod } from '../../lab/edits.ts';
import { setNodeLink, startBirdAgain, stopBird } from '../../lab/failures.ts';
import { applyPatch } from '../../lab/patch.ts';
import { addPod, deletePod } from '../../lab/pods.ts';
import { resolveLab } from '../../lab/state.ts';
import { aliasedChoice, labOption } from '../options.ts';
import { progress } from '../output.ts';

/** The kinds `patch` can change, in the spellings calicoctl accepts. */
const PATCH_KINDS = {
  ippool: 'ippool',
  ippools: 'ippool',
  felixconfiguration: 'felixconfiguration',
  felixconfigurations: 'felixconfiguration',
} as const;

function registerPatch(program: Command): void {
  program
    .command('patch')
    .addArgument(aliasedChoice('<kind>', 'ippool | felixconfiguration', PATCH_KINDS))
    .argument('<name>', 'the pool name, or default')
    .requiredOption('-p, --patch <json>', `calicoctl-style patch, e.g. '{"spec":{"ipipMode":"CrossSubnet"}}'`)
    .addOption(labOption())
    .description(
      'change a running lab in place: ' +
        'IPPool ipipMode/vxlanMode/natOutgoing/disabled, FelixConfiguration wireguardEnabled',
    )
    .addHelpText(
      'after',
      `
Examples:
  calilab patch ippool default-ipv4-ippool -p '{"spec":{"ipipMode":"Never"}}'
  calilab patch ippool default-ipv4-ippool -p '{"spec":{"ipipMode":"CrossSubnet"}}'
  calilab patch felixconfiguration default -p '{"spec":{"wireguardEnabled":true}}'`,
    )
    .action(async (kind, name, o) => {
      requireRoot('calilab patch');
      const rec = resolveLab(o.lab);
      const { ms } = await applyPatch(rec, patchedTopology(rec, kind, name, o.patch));
      progress(`${kind} ${name} patched, converged`, ms);
    });
}

function registerPod(program: Command): void {
  const pod = program.command('pod').description('pod churn on a running lab, as the CNI plugin does it');
  pod
    .command('add')
    .argument('<name>', 'pod name')
    .requiredOption('--node <node>', 'node to schedule it on')
    .option('--ip <ip>', "address (default: the next free one in the node's blocks, or a new block)")
    .option('-n, --namespace <ns>', 'Kubernetes namespace', 'default')
    .addOption(labOption())
    .description('add a pod: allocate, wire eth0 and the cali veth, announce a new block over BGP if one was claimed')
    .addHelpText(
      'after',
      '\nExample:\n  sudo calilab pod add web-9 --node k8s-w1\n' +
        '  sudo calilab pod add web-10 --node k8s-w2 --ip 10.8.94.100',
    )
    .action(async (name, o) => {
      requireRoot('calilab pod add');
      const rec = resolveLab(o.lab);
      const spec = { name, namespace: o.namespace, node: o.node, ip: o.ip };
      const { workload: w, newBlock, ms } = await addPod(rec, topologyWithPod(rec, spec), spec);
      const block = newBlock ? `; new block ${newBlock} announced` : '';
      progress(`pod ${o.namespace}/${name} ${w.ip} on ${w.node} via ${w.interface}${block}`, ms);
    });
  pod
    .command('del')
    .argument('<name>', 'pod name')
    .option('-n, --namespace <ns>', 'Kubernetes namespace', 'default')
    .addOption(labOption())
    .description('delete a pod: its namespace, veth and /32 route; the block stays with its node')
    .action(async (name, o) => {
      requireRoot('calilab pod del');
      const rec = resolveLab(o.lab);
      const r = await deletePod(rec, topologyWithoutPod(rec, o.namespace, name));
      progress(`pod ${o.namespace}/${name} deleted`, r.ms);
    });
}

function registerFailures(program: Command): void {
  program
    .command('stop-bird')
    .argument('<node>', 'node whose BIRD to stop')
    .addOption(labOption())
    .description("stop a node's BIRD: its peers withdraw its blocks")
    .action(async (node, o) => {
      requireRoot('calilab stop-bird');
      await stopBird(resolveLab(o.lab), node);
    });

  program
    .command('start-bird')
    .argument('<node>', 'node whose BIRD to start again')
    .addOption(labOption())
    .description("start a node's BIRD again and wait for its sessions")
    .action(async (node, o) => {
      requireRoot('calilab start-bird');
      const t = Date.now();
      await startBirdAgain(resolveLab(o.lab), node);
      progress(`BIRD on ${node} up, converged`, Date.now() - t);
    });

  program
    .command('link')
    .argument('<node>', 'node whose underlay link to change')
    .addArgument(new Argument('<state>', 'down | up').choices(['down', 'up']))
    .addOption(labOption())
    .description('cut a node off the underlay (its router port) or reconnect it')
    .action(async (node, state, o) => {
      requireRoot('calilab link');
      await setNodeLink(resolveLab(o.lab), node, state);
    });
}

export function register(program: Command): void {
  registerPatch(program);
  registerPod(program);
  registerFailures(program);
}
