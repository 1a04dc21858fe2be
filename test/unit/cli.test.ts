// The real calilab binary, for what needs no kernel: dry runs, bad input, views of files.
import test from 'ava';
import { execa } from 'execa';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, Option } from '@commander-js/extra-typings';
import { completion } from '../../src/cli/commands/completion.ts';
import { NoAddressError, resolveAddress } from '../../src/lab/targets.ts';
import { buildPlan } from '../../src/plan/plan.ts';
import { doc000 } from './helpers.ts';

const calilab = (...args: string[]) =>
  execa('node', ['bin/calilab.js', ...args], { reject: false, env: { NO_COLOR: '1' } });

test('up --dry-run prints the plan and changes nothing', async (t) => {
  const r = await calilab('up', 'topologies/calico-ipip-3node.yaml', '--dry-run');
  t.is(r.exitCode, 0);
  t.regex(r.stdout, /^netns add calico-ipip-3node-node-k8s-cp1$/m);
  t.regex(r.stdout, /protocol bgp Mesh_10_10_20_4 from bgp_template/);
});

test('a bad topology exits 2 with one line per problem naming file, field and fix', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'calilab-cli-'));
  const f = join(dir, 'bad.yaml');
  writeFileSync(
    f,
    'name: bad\nunderlay: {subnets: [{cidr: 10.0.0.0/24, gateway: 10.0.0.1}]}\n' +
      'nodes: [{name: n1, ip: 10.9.9.9}]\nipPools: [{cidr: 10.8.0.0/16}]\n',
  );
  const r = await calilab('up', f, '--dry-run');
  t.is(r.exitCode, 2);
  t.is(
    r.stderr.trim(),
    `calilab: ${f}: nodes[0].ip: 10.9.9.9 is not a host address of any underlay subnet; ` +
      'fix: use an address in 10.0.0.0/24',
  );
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

test("every command's --help ends with examples", async (t) => {
  const commands = [
    'up',
    'down',
    'clean',
    'run',
    'verify',
    'status',
    'exec',
    'ping',
    'patch',
    'get',
    'node status',
    'pod add',
    'pod del',
    'ipam',
    'stop-bird',
    'start-bird',
    'link',
    'trace',
    'mtu',
    'doc',
    'graph',
    'completion',
    'capture',
    'vm',
  ];
  const helps = await Promise.all(commands.map((c) => calilab(...c.split(' '), '--help')));
  for (const [i, c] of commands.entries()) t.regex(helps[i].stdout, /\nExamples?:\n {2}\S/, c);
});

// An empty state root: commands that get past parsing find no lab (exit 5), never a real one.
const stateRoot = mkdtempSync(join(tmpdir(), 'calilab-state-'));
const calilabNoLab = (...args: string[]) =>
  execa('node', ['bin/calilab.js', ...args], { reject: false, env: { NO_COLOR: '1', CALILAB_STATE_ROOT: stateRoot } });

test("bad arguments exit 2 with commander's message once, then the usage", async (t) => {
  const cases: [string[], RegExp][] = [
    [['link'], /^error: missing required argument 'node'$/m],
    [['graph', 'x.yaml', '-o', 'foo'], /argument 'foo' is invalid\. Allowed choices are mermaid, dot, svg\./],
    [['nosuchcmd'], /^error: unknown command 'nosuchcmd'$/m],
    [['up', '--bogus', 'x.yaml'], /^error: unknown option '--bogus'$/m],
    [['link', 'k8s-w1', 'sideways'], /'sideways' is invalid for argument 'state'\. Allowed choices are down, up\./],
    [['completion', 'fish'], /Allowed choices are bash, zsh\./],
    [['doc', '7'], /name a document 000-004/],
    [['get', 'foo'], /resource type 'foo' is not supported; use one of: ippool, ippools, ipp, /],
    [['ipam', 'foo'], /Allowed choices are show\./],
    [['patch', 'pod', 'x', '-p', '{}'], /Allowed choices are ippool, felixconfiguration\./],
    [['node', 'status', '-o', 'wide'], /Allowed choices are json, yaml\./],
    [['ping', 'pod-a', 'pod-d', '-c', 'three'], /argument 'three' is invalid\. expected a whole number above 0\./],
    [['capture', 'k8s-cp1', '-w', 'x.pcap', '--duration', '0'], /argument '0' is invalid/],
    [['vm', '--memory', '1.5', '--', 'true'], /argument '1\.5' is invalid/],
    [['capture', 'k8s-cp1'], /required option '-w, --write <file>' not specified/],
  ];
  const runs = await Promise.all(cases.map(([args]) => calilabNoLab(...args)));
  cases.forEach(([args, message], i) => {
    const r = runs[i];
    t.is(r.exitCode, 2, args.join(' '));
    t.regex(r.stderr, message, args.join(' '));
    t.is(r.stderr.match(/^error: /gm)?.length, 1, `${args.join(' ')}: the message once`);
    t.regex(r.stderr, /\nUsage: calilab /, args.join(' '));
  });
});

test('help and version exit 0; a command line with no command is a usage error', async (t) => {
  const asked = [['--help'], ['help'], ['help', 'up'], ['up', '--help'], ['node', 'status', '--help'], ['--version']];
  for (const args of asked) {
    t.is((await calilab(...args)).exitCode, 0, args.join(' '));
  }
  t.is((await calilab('--version')).stdout.trim(), JSON.parse(readFileSync('package.json', 'utf8')).version);
  for (const args of [[], ['pod']]) t.is((await calilab(...args)).exitCode, 2, args.join(' ') || '(none)');
});

test("choices take calicoctl's aliases in any case and get past parsing", async (t) => {
  const accepted = [
    ['get', 'IPPools'],
    ['get', 'workloadendpoints', '-o', 'yaml'],
    ['get', 'node'],
    ['get', 'BGPPeer'],
    ['patch', 'IPPool', 'default-ipv4-ippool', '-p', '{}'],
    ['patch', 'felixconfigurations', 'default', '-p', '{}'],
    ['link', 'k8s-w1', 'down'],
    ['ipam', 'show', '-o', 'json'],
    ['ping', 'pod-a', 'pod-d', '-c', '2'],
  ];
  for (const args of accepted) {
    const r = await calilabNoLab(...args);
    t.not(r.exitCode, 2, `${args.join(' ')}: ${r.stderr}`);
    t.notRegex(r.stderr, /^error: /m, args.join(' '));
  }
});

test('a file that is not a pcap is bad input (exit 2), not a kernel failure', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'calilab-pcap-'));
  const f = join(dir, 'not.pcap');
  writeFileSync(f, Buffer.from('0a0d0d0a0000000000000000', 'hex'));
  const code = `
    import { fail } from './src/cli/output.ts';
    import { readPcap } from './src/packets/pcap.ts';
    await readPcap(${JSON.stringify(f)}).catch(fail);`;
  const r = await execa('node', ['--import=tsx', '--input-type=module', '-e', code], {
    reject: false,
    env: { NO_COLOR: '1' },
  });
  t.is(r.exitCode, 2, r.stderr);
  t.regex(r.stderr, /^calilab: .*pcapng/);
});

/** The commands and subcommands `calilab --help` lists (commander's own `help` aside). */
async function helpCommands(...path: string[]): Promise<string[]> {
  const help = (await calilab(...path, '--help')).stdout;
  const section = help.split('\nCommands:\n')[1].split('\n\n')[0];
  return [...section.matchAll(/^ {2}(\S+)/gm)].map((m) => m[1]).filter((c) => c !== 'help');
}

/** Runs the bash completion as bash would for the words typed so far (the last one is being completed). */
async function complete(script: string, ...typed: string[]): Promise<string[]> {
  const words = ['calilab', ...typed].map((w) => `'${w}'`).join(' ');
  const run =
    `${script}\nCOMP_WORDS=(${words}); COMP_CWORD=${typed.length}; _calilab\n` + `printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = await execa('bash', ['-c', run]);
  return r.stdout.split('\n').filter(Boolean);
}

test('completion is derived from the command tree: every command, subcommand, option and choice', async (t) => {
  const script = (await calilab('completion', 'bash')).stdout;
  const commands = await helpCommands();
  t.true(commands.includes('node') && commands.includes('pod') && commands.includes('graph'));
  t.deepEqual((await complete(script, '')).sort(), [...commands].sort());
  t.deepEqual(await complete(script, 'node', ''), await helpCommands('node'));
  t.deepEqual(await complete(script, 'node', ''), ['status', 'checksystem']);
  t.deepEqual((await complete(script, 'pod', '')).sort(), ['add', 'del']);
  t.deepEqual(await complete(script, 'node', 'status', '--'), ['--output', '--lab', '--help']);
  t.deepEqual(await complete(script, 'node', 'status', '-o', ''), ['json', 'yaml']);
  t.deepEqual(await complete(script, 'graph', 'x.yaml', '--output', ''), ['mermaid', 'dot', 'svg']);
  t.deepEqual(await complete(script, 'link', 'k8s-w1', ''), ['down', 'up']);
  t.deepEqual(await complete(script, 'get', 'i'), ['ippool', 'ipamblock']);
  t.deepEqual(await complete(script, 'run', '--v'), ['--verify']);
  t.deepEqual(await complete(script, 'up', 'topologies/calico-ipip'), ['topologies/calico-ipip-3node.yaml']);
  const zsh = (await calilab('completion', 'zsh')).stdout;
  for (const c of [...commands, '"node status"', '"pod add"']) t.true(zsh.includes(c), c);
});

test('completion walks whatever tree it is given', async (t) => {
  const program = new Command('calilab');
  program
    .command('alpha')
    .option('--beta')
    .addOption(new Option('-g, --gamma <g>').choices(['x', 'y']));
  program.command('parent').command('child').option('--delta');
  const script = completion(program, 'bash');
  t.deepEqual(await complete(script, ''), ['alpha', 'parent']);
  t.deepEqual(await complete(script, 'parent', ''), ['child']);
  t.deepEqual(await complete(script, 'parent', 'child', '--'), ['--delta', '--help']);
  t.deepEqual(await complete(script, 'alpha', '-g', ''), ['x', 'y']);
});

test('ping, trace and mtu send to an IPv4 literal or a named address; the router has none', (t) => {
  const topology = doc000();
  const rec = {
    lab: 'l',
    topologyFile: 'doc000.yaml',
    createdAt: '',
    topology,
    plan: buildPlan(topology),
    processes: [],
  };
  t.is(resolveAddress(rec, '203.0.113.10'), '203.0.113.10');
  t.is(resolveAddress(rec, 'pod-d'), '10.8.247.196');
  t.is(resolveAddress(rec, 'k8s-w1'), '10.10.20.4');
  const e = t.throws(() => resolveAddress(rec, 'router'), { instanceOf: NoAddressError });
  t.regex(e!.message, /^"router" has no address to send to \(the router's gateway addresses are on several subnets\)/);
  t.regex(e!.message, /name a node, pod or outside host instead, or an IPv4 address: k8s-cp1, k8s-w1, k8s-w2, pod-a, /);
});
