import test from 'ava';
import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  decodeFrame,
  encapsulationOf,
  innermost,
  LINKTYPE_ETHERNET,
  LINKTYPE_LINUX_SLL,
  LINKTYPE_LINUX_SLL2,
} from '../../src/packets/decode.ts';
import { PcapError, readPcap, writePcap } from '../../src/packets/pcap.ts';
import { summarize } from '../../src/packets/render.ts';
import { doc000Ipip, ethernet, icmpEcho, ipv4, sll, sll2, tcpSyn, udp, vxlan } from './packets.ts';

const dir = mkdtempSync(join(tmpdir(), 'calilab-decode-'));

test('IPIP over Ethernet renders exactly like tcpdump', (t) => {
  const f = decodeFrame(LINKTYPE_ETHERNET, ethernet(doc000Ipip()));
  t.is(
    summarize(f),
    'IP 10.10.20.3 > 10.10.20.4: IP 10.8.170.65 > 10.8.247.196: ICMP echo request, id 5, seq 1, length 64',
  );
  const outer = f.network!.kind === 'ipv4' ? f.network : undefined;
  t.true(outer!.checksumOk);
  t.is(outer!.proto, 4);
  t.is(encapsulationOf(outer!), 'ipip');
  t.is(innermost(outer!).src, '10.8.170.65');
});

test('SLL2 carries the interface index and direction; SLL (tunl0) carries the inner packet', (t) => {
  const f = decodeFrame(LINKTYPE_LINUX_SLL2, sll2(doc000Ipip(), 2, 4));
  t.is(f.ifindex, 2);
  t.is(f.direction, 'Out');
  t.is(
    summarize(f),
    'IP 10.10.20.3 > 10.10.20.4: IP 10.8.170.65 > 10.8.247.196: ICMP echo request, id 5, seq 1, length 64',
  );
  const g = decodeFrame(LINKTYPE_LINUX_SLL, sll(ipv4('10.8.170.65', '10.8.247.196', 1, icmpEcho(0, 5, 1)), 0));
  t.is(g.direction, 'In');
  t.is(summarize(g), 'IP 10.8.170.65 > 10.8.247.196: ICMP echo reply, id 5, seq 1, length 64');
});

test('VXLAN: VNI, inner Ethernet and inner IPv4', (t) => {
  const inner = ethernet(ipv4('192.168.146.66', '192.168.5.3', 1, icmpEcho(8, 7, 2)));
  const f = decodeFrame(
    LINKTYPE_ETHERNET,
    ethernet(ipv4('172.18.0.2', '172.18.0.3', 17, udp(37937, 4789, vxlan(4096, inner)))),
  );
  t.is(
    summarize(f),
    'IP 172.18.0.2.37937 > 172.18.0.3.4789: VXLAN, flags [I] (0x08), vni 4096: ' +
      'IP 192.168.146.66 > 192.168.5.3: ICMP echo request, id 7, seq 2, length 64',
  );
  const outer = f.network!.kind === 'ipv4' ? f.network : undefined;
  t.is(encapsulationOf(outer!), 'vxlan');
  t.is(innermost(outer!).dst, '192.168.5.3');
});

test('WireGuard message types on UDP 51820', (t) => {
  const msg = (type: number) => Buffer.concat([Buffer.from([type, 0, 0, 0]), Buffer.alloc(28)]);
  for (const [type, name] of [
    [1, 'handshake initiation'],
    [2, 'handshake response'],
    [3, 'cookie reply'],
    [4, 'transport data'],
  ] as const) {
    const f = decodeFrame(
      LINKTYPE_ETHERNET,
      ethernet(ipv4('192.168.10.101', '192.168.10.102', 17, udp(51820, 51820, msg(type)))),
    );
    t.is(summarize(f), `IP 192.168.10.101.51820 > 192.168.10.102.51820: WireGuard ${name}, length 32`);
  }
});

test('TCP flags, IP options, fragments and bad checksums are shown', (t) => {
  const syn = decodeFrame(LINKTYPE_ETHERNET, ethernet(ipv4('10.10.20.3', '10.10.20.4', 6, tcpSyn(40000, 179))));
  t.is(summarize(syn), 'IP 10.10.20.3.40000 > 10.10.20.4.179: Flags [S], seq 1000, length 0');
  const withOpts = decodeFrame(
    LINKTYPE_ETHERNET,
    ethernet(ipv4('10.0.0.1', '10.0.0.2', 1, icmpEcho(8, 1, 1), { options: Buffer.from([1, 1, 1, 0]) })),
  );
  t.is(withOpts.network?.kind === 'ipv4' ? withOpts.network.options : -1, 4);
  t.regex(summarize(withOpts), /ICMP echo request, id 1, seq 1/);
  const frag = decodeFrame(
    LINKTYPE_ETHERNET,
    ethernet(ipv4('10.0.0.1', '10.0.0.2', 1, Buffer.alloc(40), { id: 9, flags: 0x0000 | 185 })),
  );
  t.is(summarize(frag), 'IP 10.0.0.1 > 10.0.0.2: (frag 9:40@1480) ip-proto-1');
  const bad = ethernet(ipv4('10.0.0.1', '10.0.0.2', 1, icmpEcho(8, 1, 1)));
  bad[14 + 10] ^= 0xff;
  t.regex(summarize(decodeFrame(LINKTYPE_ETHERNET, bad)), /\[bad ip cksum\]/);
});

test('a packet cut by snaplen decodes as far as it goes and says so', (t) => {
  const f = decodeFrame(LINKTYPE_ETHERNET, ethernet(doc000Ipip()).subarray(0, 14 + 20 + 10));
  t.regex(summarize(f), /^IP 10\.10\.20\.3 > 10\.10\.20\.4: .*\[truncated IPv4 header\]$/);
});

test('pcap files: truncated, pcapng, nanosecond and corrupt records give clear errors', async (t) => {
  const good = join(dir, 'good.pcap');
  writePcap(good, LINKTYPE_ETHERNET, [
    { time: 1, data: ethernet(doc000Ipip(1)) },
    { time: 2, data: ethernet(doc000Ipip(2)) },
  ]);
  t.is((await readPcap(good)).packets.length, 2);
  const bytes = (await import('node:fs')).readFileSync(good);
  const cut = join(dir, 'cut.pcap');
  writeFileSync(cut, bytes.subarray(0, bytes.length - 5));
  await t.throwsAsync(readPcap(cut), { instanceOf: PcapError, message: /truncated after record 1/ });
  const ng = join(dir, 'x.pcapng');
  writeFileSync(ng, Buffer.from('0a0d0d0a000000001a2b3c4d', 'hex'));
  await t.throwsAsync(readPcap(ng), { message: /is pcapng; calilab reads classic pcap/ });
  const nano = join(dir, 'nano.pcap');
  writeFileSync(nano, Buffer.concat([Buffer.from('4d3cb2a1', 'hex'), bytes.subarray(4)]));
  await t.throwsAsync(readPcap(nano), { message: /nanosecond-resolution pcap is not supported/ });
  const huge = Buffer.from(bytes);
  huge.writeUInt32LE(0x7fffffff, 24 + 8);
  const hugeFile = join(dir, 'huge.pcap');
  writeFileSync(hugeFile, huge);
  await t.throwsAsync(readPcap(hugeFile), { message: /claims 2147483647 captured bytes/ });
});

test('fuzz: 3,000 truncated or mutated pcaps each decode or fail cleanly', async (t) => {
  const frames = [
    ethernet(doc000Ipip()),
    ethernet(
      ipv4(
        '172.18.0.2',
        '172.18.0.3',
        17,
        udp(1, 4789, vxlan(4096, ethernet(ipv4('1.1.1.1', '2.2.2.2', 1, icmpEcho(8, 1, 1))))),
      ),
    ),
    ethernet(ipv4('10.0.0.1', '10.0.0.2', 6, tcpSyn(1, 2))),
  ];
  const base = join(dir, 'base.pcap');
  writePcap(
    base,
    LINKTYPE_ETHERNET,
    frames.map((data, i) => ({ time: i, data })),
  );
  const orig = (await import('node:fs')).readFileSync(base);
  let seed = 42;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed % n;
  };
  const start = Date.now();
  let decoded = 0;
  let errors = 0;
  for (let i = 0; i < 3000; i++) {
    let b = Buffer.from(orig);
    if (i % 3 === 0) b = b.subarray(0, rnd(b.length + 1));
    else for (let m = 0; m <= rnd(8); m++) b[rnd(b.length)] = rnd(256);
    const f = join(dir, `fuzz.pcap`);
    writeFileSync(f, b);
    try {
      const { packets } = await readPcap(f);
      for (const p of packets) summarize(p.frame);
      decoded++;
    } catch (e) {
      if (!(e instanceof PcapError)) throw e;
      errors++;
    }
  }
  t.is(decoded + errors, 3000);
  t.true(decoded > 100 && errors > 100, `decoded ${decoded}, errors ${errors}`);
  // Speed belongs to the benchmark (npm run bench), not to a timed test: log it only.
  t.log(`${Date.now() - start} ms`);
});

test('cross-check with tshark: the same fields from the same pcap', async (t) => {
  const file = join(dir, 'cross.pcap');
  const inner = ethernet(ipv4('192.168.146.66', '192.168.5.3', 1, icmpEcho(8, 7, 2)));
  const frames = [
    ethernet(doc000Ipip()),
    ethernet(ipv4('172.18.0.2', '172.18.0.3', 17, udp(37937, 4789, vxlan(4096, inner)))),
    ethernet(
      ipv4(
        '192.168.10.101',
        '192.168.10.102',
        17,
        udp(51820, 51820, Buffer.concat([Buffer.from([4, 0, 0, 0]), Buffer.alloc(28)])),
      ),
    ),
    sll2(ipv4('10.8.170.65', '10.8.170.66', 1, icmpEcho(0, 3, 4)), 3),
  ];
  writePcap(
    file,
    LINKTYPE_ETHERNET,
    frames.slice(0, 3).map((data, i) => ({ time: i, data })),
  );
  const ours = (await readPcap(file)).packets.map((p) => {
    const ip = p.frame.network!.kind === 'ipv4' ? p.frame.network : undefined;
    const u = ip?.payload?.kind === 'udp' ? ip.payload : undefined;
    const inn = innermost(ip!);
    return [
      `${ip!.src}${inn !== ip ? ',' + inn.src : ''}`,
      `${ip!.dst}${inn !== ip ? ',' + inn.dst : ''}`,
      `${ip!.proto}${inn !== ip ? ',' + inn.proto : ''}`,
      u?.vxlan ? String(u.vxlan.vni) : '',
      u ? String(u.sport) : '',
      u ? String(u.dport) : '',
    ].join('\t');
  });
  const r = await execa(
    'tshark',
    [
      '-r',
      file,
      '-T',
      'fields',
      '-e',
      'ip.src',
      '-e',
      'ip.dst',
      '-e',
      'ip.proto',
      '-e',
      'vxlan.vni',
      '-e',
      'udp.srcport',
      '-e',
      'udp.dstport',
    ],
    { env: { HOME: dir } },
  );
  t.deepEqual(ours, r.stdout.trim().split('\n'));
});
