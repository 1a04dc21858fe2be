// One or two examples under every command's --help, in the words of doc 000's lab.
import type { CommandUnknownOpts as Command } from '@commander-js/extra-typings';

export const EXAMPLES: Record<string, string[]> = {
  up: ['sudo calilab up topologies/calico-ipip-3node.yaml', 'calilab up --dry-run topologies/kans-4node.yaml | less'],
  down: ['sudo calilab down calico-ipip-3node', 'sudo calilab down --all'],
  clean: ['sudo calilab clean'],
  run: [
    'sudo calilab run topologies/calico-ipip-3node.yaml --verify',
    'sudo calilab run topologies/kans-4node.yaml --verify --json --pcap-dir out/ --html out/report.html',
  ],
  status: ['sudo calilab status', 'sudo calilab status --json'],
  exec: [
    'sudo calilab exec k8s-cp1 -- route -n',
    'sudo calilab exec pod-a -- ip addr',
    'sudo calilab exec router -- ip route',
  ],
  ping: ['sudo calilab ping pod-a 10.8.247.196'],
  get: ['sudo calilab get ippool -o wide', 'sudo calilab get wep', 'sudo calilab get bgppeers -o yaml'],
  'node status': ['sudo calilab node status k8s-cp1', 'sudo calilab node status k8s-w1 -o json'],
  'pod del': ['sudo calilab pod del web-9'],
  ipam: ['sudo calilab ipam show --show-blocks'],
  'stop-bird': ['sudo calilab stop-bird k8s-w1   # then: sudo calilab exec k8s-cp1 -- ip route'],
  'start-bird': ['sudo calilab start-bird k8s-w1'],
  link: ['sudo calilab link k8s-w2 down', 'sudo calilab link k8s-w2 up'],
  trace: [
    'sudo calilab trace pod-a 10.8.247.196',
    'sudo calilab trace pod-a pod-d --prove',
    'sudo calilab trace pod1 203.0.113.10   # natOutgoing on kans-4node',
  ],
  mtu: ['sudo calilab mtu pod-a pod-d'],
  graph: [
    'calilab graph topologies/calico-ipip-3node.yaml -o svg > cluster.svg',
    'calilab graph topologies/rr-4node.yaml -o mermaid',
  ],
  completion: ['source <(calilab completion bash)'],
  capture: [
    'sudo calilab capture k8s-cp1 -w out/cp1.pcap --duration 5',
    'sudo calilab capture k8s-cp1:tunl0 -w out/tunl0.pcap --count 10 --print',
  ],
  vm: [
    'sudo calilab vm -- npx calilab run topologies/calico-ipip-3node.yaml --verify',
    'sudo calilab vm --kvm -- uname -r',
  ],
};

/** Adds the examples to every command that has none of its own yet. */
export function addExamples(program: Command): void {
  const visit = (cmd: Command, path: string) => {
    const ex = EXAMPLES[path];
    // commander's addHelpText('after') is an 'afterHelp' listener: a command's own examples win.
    const hasOwn = (cmd as unknown as NodeJS.EventEmitter).listenerCount('afterHelp') > 0;
    if (ex && !hasOwn) cmd.addHelpText('after', `\nExamples:\n${ex.map((e) => `  ${e}`).join('\n')}`);
    for (const sub of cmd.commands) visit(sub, path ? `${path} ${sub.name()}` : sub.name());
  };
  for (const c of program.commands) visit(c, c.name());
}
