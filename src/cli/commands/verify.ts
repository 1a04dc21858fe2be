// Checking a running lab's datapath: verify every pair, trace one path, measure the path MTU,
// ping, capture.
import { type Command, InvalidArgumentError, Option } from '@commander-js/extra-typings';
import { pathMtu, ping } from '../../kernel/ping.ts';
import { startCapture } from '../../kernel/tcpdump.ts';
import { requireRoot } from '../../lab/lab.ts';
import { resolveLab } from '../../lab/state.ts';
import { resolveAddress, resolveTarget } from '../../lab/targets.ts';
import { readPcap } from '../../packets/pcap.ts';
import { summarize } from '../../packets/render.ts';
import { expectedMtu } from '../../verify/facts.ts';
import { lostAt, PROBES, prove } from '../../verify/prove.ts';
import { renderTrace, trace } from '../../verify/trace.ts';
import { sleep } from '../../util/wait.ts';
import { labOption, positive } from '../options.ts';
import { EXIT, green, note, printAs, red, UsageError } from '../output.ts';
import { renderMtu } from '../render.ts';
import { printVerify, verifyWithProgress } from '../session.ts';

function registerVerify(program: Command): void {
  program
    .command('verify')
    .argument('[name]', 'lab name (default: the only running lab)')
    .option('--json', 'print the report as JSON')
    .option('--pcap-dir <dir>', 'write the pcaps here (default: the lab state directory)')
    .option('--html <file>', 'also write a self-contained report page (picture, pair matrix, packets)')
    .description('ping every ordered pod pair while capturing; judge each pair from the packets')
    .addHelpText(
      'after',
      '\nExamples:\n' +
        "  sudo calilab verify --json | jq '.pairs[] | {from, to, encapsulation, ttl, pathMtu}'\n" +
        '  sudo calilab verify --html out/report.html',
    )
    .action(async (name, o) => {
      requireRoot('calilab verify');
      printVerify(await verifyWithProgress(resolveLab(name), o), o.json);
    });
}

function registerPing(program: Command): void {
  program
    .command('ping')
    .argument('<from>', 'source pod')
    .argument('<to>', 'destination pod, node or IP address')
    .option('-c, --count <n>', 'echo requests', positive(true), 3)
    .addOption(labOption())
    .description('ping from a pod to a pod or address')
    .action(async (from, to, o) => {
      requireRoot('calilab ping');
      const rec = resolveLab(o.lab);
      const src = resolveTarget(rec, from);
      const r = await ping(src.netns, resolveAddress(rec, to), { count: o.count });
      process.stdout.write(r.output);
      process.exitCode = r.ok ? EXIT.ok : EXIT.verifyFailed;
    });
}

function portArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new InvalidArgumentError('a port is a number from 1 to 65535');
  return n;
}

function registerTrace(program: Command): void {
  program
    .command('trace')
    .argument('<src>', 'source pod')
    .argument('<dst>', 'destination pod, node or IP address')
    .option('--json', 'print the hops as JSON')
    .option('--prove', `send ${PROBES} probes and mark each hop seen / not seen from its interface counters`)
    .addOption(
      new Option('--protocol <protocol>', 'the probe: an ICMP echo, a TCP SYN or a UDP datagram')
        .choices(['icmp', 'tcp', 'udp'] as const)
        .default('icmp' as const),
    )
    .option('--port <port>', 'destination port, for --protocol tcp or udp', (v: string) => portArg(v))
    .addOption(labOption())
    .description("the packet's path hop by hop, from the kernel's own route lookups in each namespace")
    .action(async (from, to, o) => {
      requireRoot('calilab trace');
      const rec = resolveLab(o.lab);
      const src = resolveTarget(rec, from);
      const w = rec.plan.workloads.find((x) => `${x.namespace}/${x.pod}` === src.name);
      if (!w) throw new UsageError(`trace starts at a pod; ${from} is a ${src.kind}`);
      const dst = resolveAddress(rec, to);
      await ping(w.netns, dst, { count: 1, timeoutS: 1 }); // fills the neighbour tables the walk reads
      if ((o.protocol === 'icmp') !== (o.port === undefined))
        throw new UsageError('--port goes with --protocol tcp or udp (and they need a port)');
      const probe = { protocol: o.protocol, port: o.port ?? null };
      const hops = await trace(rec, w, dst, probe);
      const lost = o.prove ? await prove(w, dst, hops, { rec, probe }) : undefined;
      const verdict = lostAt(hops, lost);
      const data = { from: w.ip, to: dst, hops, ...(o.prove ? { proven: !verdict, lostAt: verdict } : {}) };
      const proof = () => (verdict ? red(`lost at hop ${verdict}\n`) : green(`every hop seen (${PROBES} probes)\n`));
      printAs(o.json ? 'json' : undefined, data, () => renderTrace(w, dst, hops) + (o.prove ? proof() : ''));
      process.exitCode = hops.some((h) => h.broken) || verdict ? EXIT.verifyFailed : EXIT.ok;
    });
}

function registerMtu(program: Command): void {
  program
    .command('mtu')
    .argument('<src>', 'source pod')
    .argument('<dst>', 'destination pod or IP address')
    .addOption(labOption())
    .description('largest DF ping that passes (ping -M do -s N), and the error one byte above')
    .action(async (from, to, o) => {
      requireRoot('calilab mtu');
      const rec = resolveLab(o.lab);
      const src = resolveTarget(rec, from);
      const dst = resolveAddress(rec, to);
      const r = await pathMtu(src.netns, dst, rec.topology.underlay.mtu);
      const why = expectedMtu(rec.topology);
      // The router has no address of its own: name it rather than print "undefined".
      process.stdout.write(renderMtu(src.ip ?? src.name, dst, r, why));
      if (r.pathMtu !== why.mtu) process.exitCode = EXIT.verifyFailed;
    });
}

function registerCapture(program: Command): void {
  program
    .command('capture')
    .argument('<target>', 'NODE|POD[:IFACE] (default interface: any)')
    .requiredOption('-w, --write <file>', 'pcap file to write (classic pcap: tcpdump -r and Wireshark open it)')
    .option('--filter <bpf>', 'BPF filter (default: pod traffic and Calico tunnels)')
    .option('--count <n>', 'stop after n packets', positive(true))
    .option('--duration <s>', 'stop after s seconds', positive(false), 10)
    .option('--print', "print calilab's own one-line summaries of the captured packets")
    .addOption(labOption())
    .description('run tcpdump inside a node or pod namespace')
    .action(async (target, o) => {
      requireRoot('calilab capture');
      const [what, iface] = target.split(':');
      const t = resolveTarget(resolveLab(o.lab), what);
      const opts = { iface: iface || 'any', filter: o.filter?.split(/\s+/), count: o.count };
      const cap = await startCapture(t.netns, o.write, opts);
      note(`capturing on ${t.name}:${iface || 'any'} for ${o.duration} s into ${o.write}`);
      await sleep(o.duration * 1000);
      await cap.stop();
      if (o.print) for (const p of (await readPcap(o.write)).packets) process.stdout.write(`${summarize(p.frame)}\n`);
    });
}

export function register(program: Command): void {
  registerVerify(program);
  registerPing(program);
  registerTrace(program);
  registerMtu(program);
  registerCapture(program);
}
