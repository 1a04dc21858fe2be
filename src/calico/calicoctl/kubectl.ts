// kubectl's `get pods -o wide` for a lab's pods, as kubectl v1.30 prints it: the server's pod table
// (kubernetes pkg/printers/internalversion/printers.go, AddHandlers: podColumnDefinitions and
// printPod) written by cli-runtime's printTable (k8s.io/cli-runtime v0.30 pkg/printers/
// tableprinter.go:172-233: cells joined by tabs, the last one not tab-terminated, NAMESPACE first
// with -A) through GetNewTabWriter (pkg/printers/tabwriter.go:25-36: minwidth 6, tabwidth 4,
// padding 3, ' ', RememberWidths). So every column but the last is padded to its widest cell + 3,
// and no line has trailing spaces.
//
// What calilab knows and what it makes up: a lab has only its topology's pods, no kube-system
// pods; each pod is Running with one ready container and no restart (calilab starts no
// containers), and every pod's age is the lab's (rec.createdAt; `calilab pod add` keeps no time).
import type { LabRecord } from '../../lab/state.ts';
import { tabwriteRows } from '../../util/tabwriter.ts';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** k8s.io/apimachinery v0.30 pkg/util/duration/duration.go:48-93 HumanDuration (Go's int() truncates). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365;
    const y = Math.trunc(hours / 24 / 365);
    return dy === 0 ? `${y}y` : `${y}y${dy}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

/** GetNewTabWriter's settings (cli-runtime pkg/printers/tabwriter.go:25-31); tabwidth only matters
 *  when the pad character is a tab. */
const KUBECTL_TABWRITER = { minwidth: 6, padding: 3, terminated: false };

const POD_WIDE_COLUMNS = [
  'NAME',
  'READY',
  'STATUS',
  'RESTARTS',
  'AGE',
  'IP',
  'NODE',
  'NOMINATED NODE',
  'READINESS GATES',
];

/**
 * `kubectl get pods -o wide` (or `-A -o wide`) on the lab at time `now`. Pods come as the API
 * server lists them: by namespace, then name (etcd key order). Without -A only the `default`
 * namespace, kubectl's default context namespace. No pod: kubectl prints no table, only its
 * "No resources found" line (on stderr; get.go), which is returned instead.
 */
export function kubectlPodsWide(rec: LabRecord, allNamespaces: boolean, now: Date): string {
  const pods = rec.plan.workloads
    .filter((w) => allNamespaces || w.namespace === 'default')
    .sort((a, b) => (a.namespace === b.namespace ? cmp(a.pod, b.pod) : cmp(a.namespace, b.namespace)));
  if (!pods.length) return allNamespaces ? 'No resources found\n' : 'No resources found in default namespace.\n';
  const age = humanDuration(now.getTime() - Date.parse(rec.createdAt));
  const rows = [
    [...(allNamespaces ? ['NAMESPACE'] : []), ...POD_WIDE_COLUMNS],
    ...pods.map((w) => [
      ...(allNamespaces ? [w.namespace] : []),
      w.pod,
      '1/1',
      'Running',
      '0',
      age,
      w.ip,
      w.node,
      '<none>',
      '<none>',
    ]),
  ];
  return tabwriteRows(rows, KUBECTL_TABWRITER);
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
