// calilab's command line: a thin layer over the lab, plan, verify and vm modules.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { renderHtml } from '../report/html.ts';
import { renderSideBySide } from '../doc/compare.ts';
import { DOC_TOPOLOGY, DOCS, type Golden } from '../doc/goldens.ts';
import { compareDoc } from '../doc/run.ts';
import { clusterSvg } from '../report/svg.ts';
import { Command } from 'commander';
import { useSystemPath } from '../kernel/system-path.ts';
import { execInteractive } from '../kernel/exec.ts';
import { bgpSessions } from '../kernel/bird-socket.ts';
import { readPcap } from '../packets/pcap.ts';
import { summarize } from '../packets/render.ts';
import { startCapture } from '../kernel/tcpdump.ts';
import { isOurProcess } from '../kernel/bird.ts';
import { kernelFacts, probeDatapath } from '../kernel/probe.ts';
import { down, requireRoot, up } from '../lab/lab.ts';
import { applyPatch } from '../lab/patch.ts';
import { patchedTopology, topologyWithoutPod, topologyWithPod } from '../lab/edits.ts';
import { LabStateError, listLabs, resolveLab, type LabRecord } from '../lab/state.ts';
import YAML from 'yaml';
import { renderPlanText } from '../plan/batch.ts';
import { buildPlan } from '../plan/plan.ts';
import { loadTopology } from '../topology/load.ts';
import type { Topology } from '../topology/types.ts';

import { verifyLab, type VerifyReport } from '../verify/verify.ts';
import { lostAt, PROBES, prove } from '../verify/prove.ts';
import { addPod, deletePod } from '../lab/pods.ts';
import { renderTrace, trace } from '../verify/trace.ts';
import { pathMtu, ping } from '../kernel/ping.ts';
import { expectedMtu } from '../verify/facts.ts';
import { runInVm } from '../vm/runner.ts';
import { EXIT, fail, green, note, progress, red, running, table } from './output.ts';
import { resolveTarget } from '../lab/targets.ts';
import { dot, mermaid } from '../report/graph.ts';
import { completion } from './completion.ts';
import { addExamples } from './examples.ts';
import { bgpPeerRows, boxTable, ipamRows, ippoolRows, nodeRows, nodeStatus, renderNodeStatus, wepRows } from '../calico/calicoctl/views.ts';
import { setNodeLink, startBirdAgain, stopBird } from '../lab/failures.ts';

useSystemPath();

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
const program = new Command('calilab')
  .version(pkg.version)
  .description("Calico's pod network from real namespaces, BIRD and tcpdump")
  .showHelpAfterError()
  .addHelpText('after', `
Examples:
  sudo calilab run topologies/calico-ipip-3node.yaml --verify   build, ping every pod pair, tear down
  sudo calilab up topologies/calico-ipip-3node.yaml             build and leave running
  sudo calilab exec k8s-cp1 -- route -n                         a command inside a node
  sudo calilab down                                             remove the running lab
  sudo calilab vm -- npx calilab run topologies/calico-ipip-3node.yaml --verify
                                                                 the same inside a VM with ipip/wireguard`);

/** Ctrl-C during `up` removes what was made so far (up's own rollback covers failures). */
async function upInterruptible(topo: Topology) {
  const onSignal = () => {
    process.stderr.write(`\ninterrupted: removing lab ${topo.name}\n`);
    down(topo.name).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await up(topo, Object.assign((step: string, ms: number) => progress(step, ms), { start: running }));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

async function downAll(labs: string[]) {
  for (const lab of labs) {
    const t = Date.now();
    const r = await down(lab);
    progress(`down ${lab} (${r.namespaces} netns, ${r.processes} processes)`, Date.now() - t);
  }
}

function writeHtml(file: string, rec: LabRecord, report: VerifyReport) {
  mkdirSync(dirname(resolvePath(file)), { recursive: true });
  writeFileSync(file, renderHtml(rec.topology, rec.plan, report));
  note(`report: ${resolvePath(file)}`);
}

function printVerify(report: VerifyReport, json: boolean) {
  if (json) {
    process.stdout.write(JSON.stringify(report, null, 2) + '\n');
    return;
  }
  const rows = [['FROM', 'TO', 'PATH', 'ENCAP', 'OUTER', 'TTL', 'MTU', 'RESULT']];
  for (const p of report.pairs) {
    const outer = p.outer && p.encapsulation !== 'none' ? `${p.outer.src} > ${p.outer.dst}` : '-';
    const result = p.status === 'ok' ? 'ok' : p.status === 'expected-unreachable' ? 'unreachable (expected)' : `FAIL ${p.error ?? ''}`;
    rows.push([`${p.fromPod} ${p.from}`, `${p.toPod} ${p.to}`, p.sameNode ? 'same node' : `${p.fromNode} -> ${p.toNode}`, p.encapsulation ?? '?', outer, p.ttl === undefined ? '-' : String(p.ttl), p.pathMtu === undefined ? '-' : String(p.pathMtu), result]);
  }
  process.stdout.write(table(rows));
  if (report.outside.length) {
    const orows = [['FROM', 'TO', 'NAT', 'SOURCE SEEN', 'RESULT']];
    for (const o of report.outside) orows.push([`${o.fromPod} ${o.from}`, `${o.host} ${o.to}`, o.natOutgoing ? 'masquerade' : 'off', o.sourceSeen ?? '-', o.status === 'failed' ? `FAIL ${o.error}` : o.status === 'ok' ? 'ok' : 'unreachable (expected)']);
    process.stdout.write('\n' + table(orows));
  }
  const bad = report.pairs.filter((p) => !p.ok).length + report.outside.filter((o) => !o.ok).length;
  const first = report.pairs.find((p) => p.pathMtu !== undefined);
  if (first) process.stdout.write(`MTU: ${first.mtuWhy}\nTTL: 64 leaves the replying pod; each namespace that routes the pod's packet takes one (same node 63, across nodes 62).\n`);
  process.stdout.write(bad ? red(`${bad} of ${report.pairs.length} pairs failed\n`) : green(`all ${report.pairs.length} pairs as expected, proven from ${report.pcaps.length} pcaps\n`));
}

program.command('up')
  .argument('<file>', 'topology YAML file')
  .option('--dry-run', 'print the plan (ip batches, sysctls, BIRD configs) and change nothing')
  .description('build the lab and wait until BGP has converged')
  .action(async (file: string, o: { dryRun?: boolean }) => {
    const topo = loadTopology(file);
    if (o.dryRun) return void process.stdout.write(renderPlanText(buildPlan(topo), kernelFacts()));
    const { timings } = await upInterruptible(topo);
    note(`lab ${topo.name} is up in ${(timings.total / 1000).toFixed(2)} s; try \`calilab status\`, \`calilab down ${topo.name}\``);
  });

program.command('down')
  .argument('[name]', 'lab name (default: the only running lab)')
  .option('--all', 'every lab calilab has state for')
  .description('remove every namespace, process and file of a lab (idempotent)')
  .action(async (name: string | undefined, o: { all?: boolean }) => {
    requireRoot('calilab down');
    const labs = o.all ? listLabs() : [name ?? resolveLab().lab];
    await downAll(labs);
  });

program.command('clean')
  .description('remove every lab calilab has state for (like mn -c, but only what calilab recorded)')
  .action(async () => {
    requireRoot('calilab clean');
    const labs = listLabs();
    await downAll(labs);
    if (!labs.length) note('no lab state found; nothing to clean');
  });

program.command('run')
  .argument('<file>', 'topology YAML file')
  .option('--verify', 'ping every ordered pod pair')
  .option('--json', 'print the report as JSON')
  .option('--keep', 'leave the lab up afterwards')
  .option('--pcap-dir <dir>', 'keep the verification pcaps here')
  .option('--html <file>', 'also write a self-contained report page (picture, pair matrix, packets)')
  .option('--dry-run', 'print the plan and change nothing')
  .description('up, verify, down: exit 0 only if every pair answered')
  .action(async (file: string, o: { verify?: boolean; json?: boolean; keep?: boolean; dryRun?: boolean; pcapDir?: string; html?: string }) => {
    const topo = loadTopology(file);
    if (o.dryRun) return void process.stdout.write(renderPlanText(buildPlan(topo), kernelFacts()));
    requireRoot('calilab run');
    if (!process.env.CALILAB_IN_VM && !(await probeDatapath()).ipip) {
      // The main job must work everywhere: where the kernel lacks ipip, run the same command in the VM.
      note("this kernel has no ipip module: running the same command inside calilab's VM (Debian kernel)");
      const r = await runInVm({ argv: [process.execPath, process.argv[1], ...process.argv.slice(2)] });
      process.exitCode = r.exitCode;
      return;
    }
    const { record, timings } = await upInterruptible(topo);
    let report: VerifyReport = { ok: true, pairs: [], outside: [], pcaps: [], droppedByKernel: 0, timings: {} };
    try {
      if (o.verify) {
        running(`verifying ${record.plan.workloads.length * (record.plan.workloads.length - 1)} pod pairs`);
        report = await verifyLab(record, { pcapDir: o.pcapDir ?? (o.keep ? undefined : 'out/pcap') });
        progress(`verified ${report.pairs.length} pairs`, report.timings.verify);
        if (o.html) writeHtml(o.html, record, report);
      }
    } finally {
      if (!o.keep) {
        const t = Date.now();
        running('down');
        await down(topo.name);
        timings.down = Date.now() - t;
        progress('down', timings.down);
      }
    }
    report.timings = { ...timings, ...report.timings };
    printVerify(report, !!o.json);
    process.exitCode = report.ok ? EXIT.ok : EXIT.verifyFailed;
  });

program.command('verify')
  .argument('[name]', 'lab name (default: the only running lab)')
  .option('--json', 'print the report as JSON')
  .option('--pcap-dir <dir>', 'write the pcaps here (default: the lab state directory)')
  .option('--html <file>', 'also write a self-contained report page (picture, pair matrix, packets)')
  .description('ping every ordered pod pair while capturing; judge each pair from the packets')
  .addHelpText('after', '\nExamples:\n  sudo calilab verify --json | jq \'.pairs[] | {from, to, encapsulation, ttl, pathMtu}\'\n  sudo calilab verify --html out/report.html')
  .action(async (name: string | undefined, o: { json?: boolean; pcapDir?: string; html?: string }) => {
    requireRoot('calilab verify');
    const rec = resolveLab(name);
    running(`verifying ${rec.plan.workloads.length * (rec.plan.workloads.length - 1)} pod pairs`);
    const report = await verifyLab(rec, { pcapDir: o.pcapDir });
    progress(`verified ${report.pairs.length} pairs`, report.timings.verify);
    if (o.html) writeHtml(o.html, rec, report);
    printVerify(report, !!o.json);
    process.exitCode = report.ok ? EXIT.ok : EXIT.verifyFailed;
  });

program.command('status')
  .argument('[name]', 'lab name (default: the only running lab)')
  .option('--json', 'print as JSON')
  .description('nodes, pods and BGP sessions of a running lab')
  .action(async (name: string | undefined, o: { json?: boolean }) => {
    const rec = resolveLab(name);
    const sessions = await Promise.all(rec.plan.nodes.map((n) => bgpSessions(n.bird.socket).catch(() => [])));
    const birdPid = (node: string) => rec.processes.find((p) => p.what === `bird ${node}`);
    if (o.json) {
      process.stdout.write(JSON.stringify({ lab: rec.lab, nodes: rec.plan.nodes.map((n, i) => ({ name: n.name, ip: n.ip, blocks: n.blocks, tunnelAddress: n.tunnelAddress, bird: birdPid(n.name), sessions: sessions[i] })), pods: rec.plan.workloads }, null, 2) + '\n');
      return;
    }
    process.stdout.write(`lab ${rec.lab} (from ${rec.topologyFile}, up since ${rec.createdAt})\n\n`);
    process.stdout.write(table([['NODE', 'IP', 'BLOCKS', 'TUNL0', 'BIRD', 'SESSIONS'], ...rec.plan.nodes.map((n, i) => {
      const p = birdPid(n.name);
      const alive = p && isOurProcess(p.pid, p.marker);
      const est = sessions[i].filter((s) => s.info.startsWith('Established')).length;
      return [n.name, n.ip, n.blocks.join(','), n.tunnelAddress, alive ? `pid ${p!.pid}` : 'down', `${est}/${sessions[i].length} Established`];
    })]) + '\n');
    process.stdout.write(table([['POD', 'IP', 'NODE', 'INTERFACE'], ...rec.plan.workloads.map((w) => [`${w.namespace}/${w.pod}`, w.ip, w.node, w.interface])]) + '\n');
    const rows = [['NODE', 'PEER', 'STATE', 'SINCE', 'INFO']];
    rec.plan.nodes.forEach((n, i) => sessions[i].forEach((s) => rows.push([n.name, s.name, s.state, s.since, s.info])));
    process.stdout.write(table(rows));
  });

program.command('exec')
  .argument('<target>', 'node, pod (name, namespace/name or IP), router or outside host')
  .argument('<cmd...>', 'command and arguments (after --)')
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description('run a command inside a node or pod namespace')
  .action(async (target: string, cmd: string[], o: { lab?: string }) => {
    requireRoot('calilab exec');
    const t = resolveTarget(resolveLab(o.lab), target);
    process.exitCode = await execInteractive(t.netns, cmd);
  });

program.command('ping')
  .argument('<from>', 'source pod')
  .argument('<to>', 'destination pod, node or IP address')
  .option('-c, --count <n>', 'echo requests', '3')
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description('ping from a pod to a pod or address')
  .action(async (from: string, to: string, o: { count: string; lab?: string }) => {
    requireRoot('calilab ping');
    const rec = resolveLab(o.lab);
    const src = resolveTarget(rec, from);
    const dst = /^\d+\.\d+\.\d+\.\d+$/.test(to) ? to : resolveTarget(rec, to).ip!;
    const r = await ping(src.netns, dst, { count: Number(o.count) });
    process.stdout.write(r.output);
    process.exitCode = r.ok ? EXIT.ok : EXIT.verifyFailed;
  });

program.command('patch')
  .argument('<kind>', 'ippool | felixconfiguration')
  .argument('<name>', 'the pool name, or default')
  .requiredOption('-p, --patch <json>', `calicoctl-style patch, e.g. '{"spec":{"ipipMode":"CrossSubnet"}}'`)
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description('change a running lab in place: IPPool ipipMode/vxlanMode/natOutgoing/disabled, FelixConfiguration wireguardEnabled')
  .addHelpText('after', `
Examples:
  calilab patch ippool default-ipv4-ippool -p '{"spec":{"ipipMode":"Never"}}'
  calilab patch ippool default-ipv4-ippool -p '{"spec":{"ipipMode":"CrossSubnet"}}'
  calilab patch felixconfiguration default -p '{"spec":{"wireguardEnabled":true}}'`)
  .action(async (kind: string, name: string, o: { patch: string; lab?: string }) => {
    requireRoot('calilab patch');
    const rec = resolveLab(o.lab);
    const topo = patchedTopology(rec, kind.toLowerCase(), name, o.patch);
    const { ms } = await applyPatch(rec, topo);
    progress(`${kind} ${name} patched, converged`, ms);
  });

program.command('get')
  .argument('<kind>', 'ippool | wep (workloadendpoint) | nodes | bgppeers')
  .option('-o, --output <format>', 'wide | json | yaml', '')
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description("calicoctl-style views of a running lab")
  .action(async (kind: string, o: { output: string; lab?: string }) => {
    const rec = resolveLab(o.lab);
    const k = kind.toLowerCase();
    const other = /^(weps?|workloadendpoints?)$/.test(k) ? { rows: wepRows(rec), data: rec.plan.workloads }
      : /^nodes?$/.test(k) ? { rows: nodeRows(rec, o.output === 'wide'), data: rec.plan.nodes.map((n) => ({ name: n.name, ip: n.ip, asNumber: rec.topology.bgp.asNumber, blocks: n.blocks })) }
      : /^bgppeers?$/.test(k) ? { rows: bgpPeerRows(rec), data: rec.topology.bgp.peers } : undefined;
    if (other) return void process.stdout.write(o.output === 'json' ? JSON.stringify(other.data, null, 2) + '\n' : o.output === 'yaml' ? YAML.stringify(other.data) : table(other.rows));
    if (!/^ippools?$/.test(k)) throw new LabStateError(`calilab get ${kind}: use ippool, wep, nodes or bgppeers`);
    const pools = rec.topology.ipPools;
    if (o.output === 'json') return void process.stdout.write(JSON.stringify(pools, null, 2) + '\n');
    if (o.output === 'yaml') return void process.stdout.write(YAML.stringify(pools));
    process.stdout.write(table(ippoolRows(rec, o.output === 'wide')));
  });

const nodeCmd = program.command('node').description('calicoctl node …');
nodeCmd.command('status')
  .argument('[node]', 'node (default: the first)')
  .option('-o, --output <format>', 'json | yaml')
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description("BGP peers of a node as `calicoctl node status` shows them, read from that node's BIRD")
  .action(async (node: string | undefined, o: { output?: string; lab?: string }) => {
    const rec = resolveLab(o.lab);
    const n = node ? rec.plan.nodes.find((x) => x.name === node) : rec.plan.nodes[0];
    if (!n) throw new LabStateError(`no node ${node}; nodes: ${rec.plan.nodes.map((x) => x.name).join(', ')}`);
    const p = rec.processes.find((x) => x.what === `bird ${n.name}`);
    const sessions = await bgpSessions(n.bird.socket).catch(() => undefined);
    const peers = nodeStatus(rec, n.name, sessions ?? []);
    if (o.output === 'json') return void process.stdout.write(JSON.stringify({ node: n.name, running: !!sessions, peers }, null, 2) + '\n');
    if (o.output === 'yaml') return void process.stdout.write(YAML.stringify({ node: n.name, running: !!sessions, peers }));
    process.stdout.write(renderNodeStatus(!!sessions && !!p, peers));
  });

const podCmd = program.command('pod').description('pod churn on a running lab, as the CNI plugin does it');
podCmd.command('add')
  .argument('<name>', 'pod name')
  .requiredOption('--node <node>', 'node to schedule it on')
  .option('--ip <ip>', "address (default: the next free one in the node's blocks, or a new block)")
  .option('-n, --namespace <ns>', 'Kubernetes namespace', 'default')
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description('add a pod: allocate, wire eth0 and the cali veth, announce a new block over BGP if one was claimed')
  .addHelpText('after', '\nExample:\n  sudo calilab pod add web-9 --node k8s-w1\n  sudo calilab pod add web-10 --node k8s-w2 --ip 10.8.94.100')
  .action(async (name: string, o: { node: string; ip?: string; namespace: string; lab?: string }) => {
    requireRoot('calilab pod add');
    const rec = resolveLab(o.lab);
    const spec = { name, namespace: o.namespace, node: o.node, ip: o.ip };
    const r = await addPod(rec, topologyWithPod(rec, spec), spec);
    progress(`pod ${o.namespace}/${name} ${r.workload.ip} on ${r.workload.node} via ${r.workload.interface}${r.newBlock ? `; new block ${r.newBlock} announced` : ''}`, r.ms);
  });
podCmd.command('del')
  .argument('<name>', 'pod name')
  .option('-n, --namespace <ns>', 'Kubernetes namespace', 'default')
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description('delete a pod: its namespace, veth and /32 route; the block stays with its node')
  .action(async (name: string, o: { namespace: string; lab?: string }) => {
    requireRoot('calilab pod del');
    const rec = resolveLab(o.lab);
    const r = await deletePod(rec, topologyWithoutPod(rec, o.namespace, name), o.namespace, name);
    progress(`pod ${o.namespace}/${name} deleted`, r.ms);
  });

program.command('ipam')
  .argument('<action>', 'show')
  .option('--show-blocks', 'one row per block')
  .option('-o, --output <format>', 'json | yaml')
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description('IP usage per pool (and block), as `calicoctl ipam show`')
  .action(async (action: string, o: { showBlocks?: boolean; output?: string; lab?: string }) => {
    if (action !== 'show') throw new LabStateError(`calilab ipam ${action}: only show is supported`);
    const rows = ipamRows(resolveLab(o.lab), !!o.showBlocks);
    const data = rows.slice(1).map((r) => Object.fromEntries(rows[0].map((h, i) => [h, r[i]])));
    process.stdout.write(o.output === 'json' ? JSON.stringify(data, null, 2) + '\n' : o.output === 'yaml' ? YAML.stringify(data) : boxTable(rows));
  });

program.command('stop-bird')
  .argument('<node>', 'node whose BIRD to stop')
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description("stop a node's BIRD: its peers withdraw its blocks")
  .action(async (node: string, o: { lab?: string }) => {
    requireRoot('calilab stop-bird');
    await stopBird(resolveLab(o.lab), node);
  });

program.command('start-bird')
  .argument('<node>', 'node whose BIRD to start again')
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description("start a node's BIRD again and wait for its sessions")
  .action(async (node: string, o: { lab?: string }) => {
    requireRoot('calilab start-bird');
    const t = Date.now();
    await startBirdAgain(resolveLab(o.lab), node);
    progress(`BIRD on ${node} up, converged`, Date.now() - t);
  });

program.command('link')
  .argument('<node>', 'node whose underlay link to change')
  .argument('<state>', 'down | up')
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description("cut a node off the underlay (its router port) or reconnect it")
  .action(async (node: string, state: string, o: { lab?: string }) => {
    requireRoot('calilab link');
    if (state !== 'down' && state !== 'up') throw new LabStateError(`calilab link ${node} ${state}: state must be down or up`);
    await setNodeLink(resolveLab(o.lab), node, state);
  });

program.command('trace')
  .argument('<src>', 'source pod')
  .argument('<dst>', 'destination pod, node or IP address')
  .option('--json', 'print the hops as JSON')
  .option('--prove', `send ${PROBES} probes and mark each hop seen / not seen from its interface counters`)
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description("the packet's path hop by hop, from the kernel's own route lookups in each namespace")
  .action(async (from: string, to: string, o: { json?: boolean; prove?: boolean; lab?: string }) => {
    requireRoot('calilab trace');
    const rec = resolveLab(o.lab);
    const src = resolveTarget(rec, from);
    const w = rec.plan.workloads.find((x) => `${x.namespace}/${x.pod}` === src.name);
    if (!w) throw new LabStateError(`trace starts at a pod; ${from} is a ${src.kind}`);
    const dst = /^\d+\.\d+\.\d+\.\d+$/.test(to) ? to : resolveTarget(rec, to).ip!;
    await ping(w.netns, dst, { count: 1, timeoutS: 1 }); // fills the neighbour tables the walk reads
    const hops = await trace(rec, w, dst);
    const lost = o.prove ? await prove(w, dst, hops) : undefined;
    const verdict = lostAt(hops, lost);
    if (o.json) process.stdout.write(JSON.stringify({ from: w.ip, to: dst, hops, ...(o.prove ? { proven: !verdict, lostAt: verdict } : {}) }, null, 2) + '\n');
    else process.stdout.write(renderTrace(w, dst, hops) + (o.prove ? (verdict ? red(`lost at hop ${verdict}\n`) : green(`every hop seen (${PROBES} probes)\n`)) : ''));
    process.exitCode = hops.some((h) => h.broken) || verdict ? EXIT.verifyFailed : EXIT.ok;
  });

program.command('mtu')
  .argument('<src>', 'source pod')
  .argument('<dst>', 'destination pod or IP address')
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description('largest DF ping that passes (ping -M do -s N), and the error one byte above')
  .action(async (from: string, to: string, o: { lab?: string }) => {
    requireRoot('calilab mtu');
    const rec = resolveLab(o.lab);
    const src = resolveTarget(rec, from);
    const dst = /^\d+\.\d+\.\d+\.\d+$/.test(to) ? to : resolveTarget(rec, to).ip!;
    const r = await pathMtu(src.netns, dst, rec.topology.underlay.mtu);
    const why = expectedMtu(rec.topology);
    process.stdout.write(`path MTU ${src.ip} -> ${dst}: ${r.pathMtu} (largest DF payload ${r.payload} + 28 bytes of IPv4 and ICMP headers)\n` +
      `why: ${why.why}\none byte above (ping -M do -s ${r.payload + 1}): ${r.aboveError}\n`);
    if (r.pathMtu !== why.mtu) process.exitCode = EXIT.verifyFailed;
  });

program.command('doc')
  .argument('<file-or-number>', 'a source document (e.g. ../shared/docs/004_….txt) or its number (000-004)')
  .option('--keep', "leave the document's lab up afterwards")
  .option('--json', 'print the comparisons as JSON')
  .description("follow a document on its lab: each capture it shows beside calilab's live output, marked match / differs")
  .addHelpText('after', '\nExample:\n  sudo calilab doc 004\n  sudo calilab doc ../shared/docs/003_044173d9e280949f.txt --keep')
  .action(async (what: string, o: { keep?: boolean; json?: boolean }) => {
    const doc = basename(what).match(/^(\d{3})/)?.[1] as Golden['doc'] | undefined;
    if (!doc || !DOCS.includes(doc)) throw new LabStateError(`calilab doc ${what}: name a document 000-004 (its file name starts with its number)`);
    requireRoot('calilab doc');
    const topo = loadTopology(DOC_TOPOLOGY[doc]);
    let rec = listLabs().includes(topo.name) ? resolveLab(topo.name) : undefined;
    if (!rec && !process.env.CALILAB_IN_VM && !(await probeDatapath()).ipip) {
      note("this kernel has no ipip module: running the same command inside calilab's VM (Debian kernel)");
      process.exitCode = (await runInVm({ argv: [process.execPath, process.argv[1], ...process.argv.slice(2)] })).exitCode;
      return;
    }
    const started = !rec;
    if (!rec) rec = (await upInterruptible(topo)).record;
    try {
      const results = await compareDoc(rec, doc);
      if (o.json) process.stdout.write(JSON.stringify(results.map((r) => ({ id: r.golden.id, title: r.golden.title, source: r.golden.source, status: r.status, lines: r.lines })), null, 2) + '\n');
      else process.stdout.write(results.map((r) => renderSideBySide(r)).join('\n') + `\ndoc ${doc} on lab ${topo.name}: ${results.filter((r) => r.status === 'match').length} match, ${results.filter((r) => r.status === 'known').length} with documented differences, ${results.filter((r) => r.status === 'differs').length} differ\n`);
      process.exitCode = results.some((r) => r.status === 'differs') ? EXIT.verifyFailed : EXIT.ok;
    } finally {
      if (started && !o.keep) await down(topo.name);
    }
  });

program.command('graph')
  .argument('[file-or-lab]', 'topology file, or a running lab (default: the only running lab)')
  .option('-o, --output <format>', 'mermaid | dot | svg', 'mermaid')
  .description('draw nodes, subnets, router, pods and BGP sessions (Mermaid or Graphviz dot)')
  .action(async (what: string | undefined, o: { output: string }) => {
    const topo = what && /\.ya?ml$/.test(what) ? loadTopology(what) : resolveLab(what).topology;
    if (!['mermaid', 'dot', 'svg'].includes(o.output)) throw new LabStateError(`calilab graph -o ${o.output}: use mermaid, dot or svg`);
    process.stdout.write(o.output === 'dot' ? dot(topo) : o.output === 'svg' ? clusterSvg(topo) : mermaid(topo));
  });

program.command('completion')
  .argument('<shell>', 'bash | zsh')
  .description('print a shell completion script: source <(calilab completion bash)')
  .action((shell: string) => {
    if (shell !== 'bash' && shell !== 'zsh') throw new LabStateError(`calilab completion ${shell}: use bash or zsh`);
    process.stdout.write(completion(shell));
  });

program.command('capture')
  .argument('<target>', 'NODE|POD[:IFACE] (default interface: any)')
  .requiredOption('-w, --write <file>', 'pcap file to write (classic pcap: tcpdump -r and Wireshark open it)')
  .option('--filter <bpf>', 'BPF filter (default: pod traffic and Calico tunnels)')
  .option('--count <n>', 'stop after n packets')
  .option('--duration <s>', 'stop after s seconds', '10')
  .option('--print', "print calilab's own one-line summaries of the captured packets")
  .option('-l, --lab <name>', 'lab name (default: the only running lab)')
  .description('run tcpdump inside a node or pod namespace')
  .action(async (target: string, o: { write: string; filter?: string; count?: string; duration: string; print?: boolean; lab?: string }) => {
    requireRoot('calilab capture');
    const [what, iface] = target.split(':');
    const t = resolveTarget(resolveLab(o.lab), what);
    const cap = await startCapture(t.netns, o.write, { iface: iface || 'any', filter: o.filter?.split(/\s+/), count: o.count ? Number(o.count) : undefined });
    note(`capturing on ${t.name}:${iface || 'any'} for ${o.duration} s into ${o.write}`);
    await new Promise((r) => setTimeout(r, Number(o.duration) * 1000));
    await cap.stop();
    if (o.print) for (const p of (await readPcap(o.write)).packets) process.stdout.write(`${summarize(p.frame)}\n`);
  });

program.command('vm')
  .argument('<cmd...>', 'command and arguments (after --)')
  .option('--kvm', 'use KVM instead of TCG software emulation')
  .option('--memory <MiB>', 'guest memory', '3072')
  .option('--timeout <s>', 'kill the VM after this many seconds', '3600')
  .description("run a command as root in a QEMU VM with Debian's stock kernel (ipip, wireguard, vxlan)")
  .action(async (cmd: string[], o: { kvm?: boolean; memory: string; timeout: string }) => {
    const r = await runInVm({ argv: cmd, accel: o.kvm ? 'kvm' : undefined, memoryMiB: Number(o.memory), timeoutMs: Number(o.timeout) * 1000 });
    note(`vm: kernel ${r.kernelVersion}, exit ${r.exitCode}, ${(r.totalMs / 1000).toFixed(1)} s`);
    process.exitCode = r.exitCode;
  });

addExamples(program);
program.parseAsync(process.argv).catch(fail);
