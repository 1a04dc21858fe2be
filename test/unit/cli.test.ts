// The real calilab binary, for what needs no kernel: dry runs, bad input, views of files.
import test from 'ava';
import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const calilab = (...args: string[]) => execa('node', ['bin/calilab.js', ...args], { reject: false, env: { NO_COLOR: '1' } });

test('up --dry-run prints the plan and changes nothing', async (t) => {
  const r = await calilab('up', 'topologies/calico-ipip-3node.yaml', '--dry-run');
  t.is(r.exitCode, 0);
  t.regex(r.stdout, /^netns add calico-ipip-3node-node-k8s-cp1$/m);
  t.regex(r.stdout, /protocol bgp Mesh_10_10_20_4 from bgp_template/);
});

test('a bad topology exits 2 with one line per problem naming file, field and fix', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'calilab-cli-'));
  const f = join(dir, 'bad.yaml');
  writeFileSync(f, 'name: bad\nunderlay: {subnets: [{cidr: 10.0.0.0/24, gateway: 10.0.0.1}]}\nnodes: [{name: n1, ip: 10.9.9.9}]\nipPools: [{cidr: 10.8.0.0/16}]\n');
  const r = await calilab('up', f, '--dry-run');
  t.is(r.exitCode, 2);
  t.is(r.stderr.trim(), `calilab: ${f}: nodes[0].ip: 10.9.9.9 is not a host address of any underlay subnet; fix: use an address in 10.0.0.0/24`);
  t.notRegex(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
});

test('every shipped topology plans cleanly, and graph draws it', async (t) => {
  for (const f of ['calico-ipip-3node', 'kans-4node', 'kind-vxlan-3node', 'rr-4node', 'vagrant-3node', 'tor-2rack']) {
    t.is((await calilab('up', `topologies/${f}.yaml`, '--dry-run')).exitCode, 0, f);
    const g = await calilab('graph', `topologies/${f}.yaml`, '-o', 'dot');
    t.regex(g.stdout, /^graph "[a-z0-9-]+" \{/, f);
  }
  const m = await calilab('graph', 'topologies/rr-4node.yaml');
  t.regex(m.stdout, /BIRD AS 64512 \(route reflector\)/);
  t.is(m.stdout.match(/BGP/g)?.length, 3, 'three client sessions to the reflector, no mesh');
});

test('completion scripts parse', async (t) => {
  const r = await calilab('completion', 'bash');
  t.is((await execa('bash', ['-n'], { input: r.stdout, reject: false })).exitCode, 0);
  t.regex((await calilab('completion', 'zsh')).stdout, /^#compdef calilab/);
});

test('every command\'s --help ends with examples', async (t) => {
  const commands = ['up', 'down', 'clean', 'run', 'verify', 'status', 'exec', 'ping', 'patch', 'get', 'node status', 'pod add', 'pod del', 'ipam',
    'stop-bird', 'start-bird', 'link', 'trace', 'mtu', 'doc', 'graph', 'completion', 'capture', 'vm'];
  const helps = await Promise.all(commands.map((c) => calilab(...c.split(' '), '--help')));
  commands.forEach((c, i) => t.regex(helps[i].stdout, /\nExamples?:\n {2}\S/, c));
});
