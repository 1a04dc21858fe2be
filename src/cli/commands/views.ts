// Read-only views: calilab's own status, calicoctl-style views of a running lab, and the graph
// of a lab or topology file.
import { release as osRelease } from 'node:os';
import { Argument, type Command } from '@commander-js/extra-typings';
import { ipamRows, nodeStatus, renderIpamShow, renderNodeStatus } from '../../calico/calicoctl/views.ts';
import { checkModules, readCheckSystemFiles, renderCheckSystem } from '../../calico/calicoctl/checksystem.ts';
import { bgpSessions } from '../../kernel/bird-socket.ts';
import { LabStateError, resolveLab } from '../../lab/state.ts';
import { dot, mermaid } from '../../report/graph.ts';
import { clusterSvg } from '../../report/svg.ts';
import { loadTopology } from '../../topology/load.ts';
import { labOption, outputOption } from '../options.ts';
import { printAs } from '../output.ts';
import { renderStatus, statusData } from '../render.ts';

function registerStatus(program: Command): void {
  program
    .command('status')
    .argument('[name]', 'lab name (default: the only running lab)')
    .option('--json', 'print as JSON')
    .description('nodes, pods and BGP sessions of a running lab')
    .action(async (name, o) => {
      const rec = resolveLab(name);
      const sessions = await Promise.all(rec.plan.nodes.map((n) => bgpSessions(n.bird.socket).catch(() => [])));
      printAs(o.json ? 'json' : undefined, statusData(rec, sessions), () => renderStatus(rec, sessions));
    });
}

function registerNode(program: Command): void {
  const node = program.command('node').description('calicoctl node …');
  node
    .command('status')
    .argument('[node]', 'node (default: the first)')
    .addOption(outputOption(['json', 'yaml'], 'json | yaml'))
    .addOption(labOption())
    .description("BGP peers of a node as `calicoctl node status` shows them, read from that node's BIRD")
    .action(async (name, o) => {
      const rec = resolveLab(o.lab);
      const n = name ? rec.plan.nodes.find((x) => x.name === name) : rec.plan.nodes[0];
      if (!n) throw new LabStateError(`no node ${name}; nodes: ${rec.plan.nodes.map((x) => x.name).join(', ')}`);
      const p = rec.processes.find((x) => x.what === `bird ${n.name}`);
      const sessions = await bgpSessions(n.bird.socket).catch(() => undefined);
      const peers = nodeStatus(rec, n.name, sessions ?? []);
      const data = { node: n.name, running: !!sessions, peers };
      printAs(o.output, data, () => renderNodeStatus(!!sessions && !!p, peers));
    });
  node
    .command('checksystem')
    .option('--kernel-config <file>', 'kernel config file to look modules up in')
    .description('the kernel modules Calico needs, as `calicoctl node checksystem` checks them on this host')
    .action((o) => {
      const release = osRelease();
      const modules = checkModules(release, readCheckSystemFiles(release, o.kernelConfig));
      const text = renderCheckSystem(release, modules);
      process.stdout.write(text);
      if (modules.some((m) => !m.ok)) process.exitCode = 1;
    });
}

function registerIpam(program: Command): void {
  program
    .command('ipam')
    .addArgument(new Argument('<action>', 'show').choices(['show']))
    .option('--show-blocks', 'one row per block')
    .option('--show-borrowed', "addresses a node took from another node's block")
    .option('--show-configuration', "IPAM's configuration (StrictAffinity, AutoAllocateBlocks, MaxBlocksPerHost)")
    .addOption(outputOption(['json', 'yaml'], 'json | yaml'))
    .addOption(labOption())
    .description('IP usage per pool (and block), as `calicoctl ipam show`')
    .action(async (_show, o) => {
      const rec = resolveLab(o.lab);
      // show.go dispatch order: --show-blocks, --show-borrowed, --show-configuration, else pools.
      const mode = o.showBlocks
        ? 'blocks'
        : o.showBorrowed
          ? 'borrowed'
          : o.showConfiguration
            ? 'configuration'
            : 'pools';
      const rows = ipamRows(rec, mode === 'blocks');
      const data = rows.slice(1).map((r) => Object.fromEntries(rows[0].map((h, i) => [h, r[i]])));
      printAs(o.output, data, () => renderIpamShow(rec, mode));
    });
}

function registerGraph(program: Command): void {
  program
    .command('graph')
    .argument('[file-or-lab]', 'topology file, or a running lab (default: the only running lab)')
    .addOption(outputOption(['mermaid', 'dot', 'svg'], 'mermaid | dot | svg').default('mermaid'))
    .description('draw nodes, subnets, router, pods and BGP sessions (Mermaid or Graphviz dot)')
    .action(async (what, o) => {
      const topo = what && /\.ya?ml$/.test(what) ? loadTopology(what) : resolveLab(what).topology;
      const draw = { mermaid, dot, svg: clusterSvg }[o.output];
      process.stdout.write(draw(topo));
    });
}

export function register(program: Command): void {
  registerStatus(program);
  registerNode(program);
  registerIpam(program);
  registerGraph(program);
}
