// npm run bench: calilab's pcap decoder against tshark on the same generated 1,000,000-packet
// IPIP pcap, in the same run, so the ratio is measured rather than remembered; then (as root)
// the scale benchmark, scripts/bench-scale.ts, and the policy-plane benchmark, scripts/bench-policy.ts.
// `-- --decode-only`, `-- --sizes 10,25,…`.
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { decodeFrame, LINKTYPE_ETHERNET } from '../src/packets/decode.ts';
import { forEachPacket, writePcap } from '../src/packets/pcap.ts';
import { summarize } from '../src/packets/render.ts';
import { ethernet, icmpEcho, ipv4 } from '../test/unit/packets.ts';

$.verbose = false;
const args = process.argv.slice(2);
const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), 'calilab-bench-'));
const file = join(dir, 'ipip.pcap');
try {
  const packets = Array.from({ length: count }, (_, i) => ({
    time: 1_700_000_000 + i / 1000,
    data: ethernet(
      ipv4('10.10.20.3', '10.10.20.4', 4, ipv4('10.8.170.65', '10.8.247.196', 1, icmpEcho(8, 5, i & 0xffff))),
    ),
  }));
  writePcap(file, LINKTYPE_ETHERNET, packets);
  const mb = statSync(file).size / 1e6;

  let t = Date.now();
  let decoded = 0;
  await forEachPacket(file, (p, lt) => {
    const f = decodeFrame(lt, p.data);
    if (f.network?.kind === 'ipv4') decoded++;
  });
  const oursMs = Date.now() - t;

  t = Date.now();
  let rendered = 0;
  await forEachPacket(file, (p, lt) => (rendered += summarize(decodeFrame(lt, p.data)).length > 0 ? 1 : 0));
  const renderMs = Date.now() - t;

  t = Date.now();
  const ts = await $({ env: { ...process.env, HOME: dir } })`tshark -r ${file} -T fields -e ip.src`;
  const tsharkMs = Date.now() - t;
  const tsharkLines = ts.stdout.trim().split('\n').length;

  const rate = (n: number, ms: number) => `${Math.round(n / (ms / 1000)).toLocaleString('en')} pkt/s`;
  console.log(`pcap: ${count.toLocaleString('en')} IPIP packets, ${mb.toFixed(0)} MB`);
  console.log(`calilab decode            ${(oursMs / 1000).toFixed(2)} s  ${rate(decoded, oursMs)}`);
  console.log(`calilab decode + summary  ${(renderMs / 1000).toFixed(2)} s  ${rate(rendered, renderMs)}`);
  console.log(`tshark -T fields -e ip.src ${(tsharkMs / 1000).toFixed(2)} s  ${rate(tsharkLines, tsharkMs)}`);
  const decodeRatio = (tsharkMs / oursMs).toFixed(1);
  const summaryRatio = (tsharkMs / renderMs).toFixed(1);
  console.log(`ratio (tshark time / calilab time): ${decodeRatio}x decode, ${summaryRatio}x with summaries`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

if (!args.includes('--decode-only')) {
  if (process.getuid?.() !== 0) {
    console.log('# scale benchmark skipped: it builds namespaces and needs root (sudo npm run bench)');
  } else {
    const i = args.indexOf('--sizes');
    console.log('\n# scale: generated clusters against the hand-written ip -batch floor');
    const sizes = i >= 0 ? args[i + 1] : '10,25,50,100,200rr';
    await $({ stdio: 'inherit' })`node --import=tsx scripts/bench-scale.ts --sizes ${sizes}`;
    console.log("\n# policy: programming Felix's policy plane against one iptables-restore per node");
    await $({ stdio: 'inherit' })`node --import=tsx scripts/bench-policy.ts`;
  }
}
