// Mutated topology files for fuzzing validation, planning and (a sample of) real labs.
export type Rng = (n: number) => number;

export function rng(seed: number): Rng {
  let s = seed >>> 0;
  return (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
}

const NASTY = [
  '',
  ' ',
  'Ünïcødé',
  'a;rm -rf /',
  '$(reboot)',
  '`id`',
  'a b',
  '../../etc',
  'x'.repeat(300),
  '-n',
  'a\nb',
  '🙂',
  'calilab-x',
  '0',
  'UPPER',
];
const VALUES = [
  null,
  true,
  false,
  0,
  -1,
  1.5,
  2 ** 53,
  1e308,
  '1500',
  [],
  {},
  'Always',
  'Never',
  'CrossSubnet',
  '10.0.0.0/8',
  '10.0.0.5',
  '256.1.1.1',
  '10.0.0.1/33',
  '0.0.0.0/0',
];

export function baseTopology(name: string): Record<string, any> {
  return {
    name,
    underlay: { mtu: 1500, subnets: [{ cidr: '10.10.20.0/24', gateway: '10.10.20.1' }] },
    nodes: [
      { name: 'n1', ip: '10.10.20.3' },
      { name: 'n2', ip: '10.10.20.4' },
    ],
    ipPools: [
      { name: 'default-ipv4-ippool', cidr: '10.8.0.0/16', blockSize: 26, ipipMode: 'Always', natOutgoing: true },
    ],
    bgp: { asNumber: 64512 },
    pods: [
      { name: 'a', node: 'n1' },
      { name: 'b', node: 'n2' },
      { name: 'c', node: 'n1' },
    ],
  };
}

function paths(o: unknown, prefix: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  if (o && typeof o === 'object') {
    for (const [k, v] of Object.entries(o)) {
      const p = [...prefix, Array.isArray(o) ? Number(k) : k];
      out.push(p);
      paths(v, p, out);
    }
  }
  return out;
}

/** Applies 1-4 random mutations: wrong types, nasty strings, huge numbers, deletions, duplicates,
 *  overlapping ranges, extra unknown fields, or 10,000 pods. */
export function mutate(base: Record<string, any>, r: Rng): Record<string, any> {
  const o = JSON.parse(JSON.stringify(base));
  for (let m = 0; m <= r(4); m++) {
    const all = paths(o);
    const p = all[r(all.length)];
    const parent = p.slice(0, -1).reduce((x: any, k) => x?.[k], o);
    const key = p[p.length - 1];
    if (!parent || typeof parent !== 'object') continue;
    switch (r(9)) {
      case 0:
        parent[key] = NASTY[r(NASTY.length)];
        break;
      case 1:
        parent[key] = VALUES[r(VALUES.length)];
        break;
      case 2:
        if (Array.isArray(parent)) parent.splice(Number(key), 1);
        else delete parent[key];
        break;
      case 3:
        if (Array.isArray(parent)) parent.push(JSON.parse(JSON.stringify(parent[Number(key)] ?? {})));
        break;
      case 4:
        parent[`${String(key)}X`] = 1;
        break;
      case 5:
        if (Array.isArray(o.ipPools)) o.ipPools.push({ cidr: '10.8.128.0/17' });
        break;
      case 6:
        o.pods = Array.from({ length: r(20) === 0 ? 10000 : 100 }, (_, i) => ({
          name: `p${i}`,
          node: i % 2 ? 'n1' : 'n2',
        }));
        break;
      case 7:
        if (typeof parent[key] === 'number') parent[key] = parent[key] * 1e9;
        break;
      case 8:
        if (Array.isArray(o.nodes)) o.nodes.push({ name: `n${3 + r(5)}`, ip: `10.10.20.${r(300)}` });
        break;
    }
  }
  return o;
}
