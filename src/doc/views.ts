// The calicoctl and kubectl views a golden can name, rendered from the lab's record alone, so
// that unit tests render exactly what `calilab doc` compares (only `node status` needs BIRD, and
// run.ts renders it). The caller supplies the time, the kernel's answers and the WireGuard keys.
import type { ModuleCheck } from '../calico/calicoctl/checksystem.ts';
import { renderCheckSystem } from '../calico/calicoctl/checksystem.ts';
import { kubectlPodsWide } from '../calico/calicoctl/kubectl.ts';
import { getOutput } from '../calico/calicoctl/get.ts';
import { labResources, resolveKind } from '../calico/calicoctl/resources.ts';
import { renderIpamShow } from '../calico/calicoctl/views.ts';
import type { LabRecord } from '../lab/state.ts';
import type { GetYamlView, GoldenView } from './goldens.ts';

export interface ViewContext {
  /** kubectl's AGE is counted to this time. */
  now: Date;
  /** `uname -r` of the kernel the lab runs on, and checkModules' answers for it. */
  kernelRelease: string;
  modules: ModuleCheck[];
  /** Node status.wireguardPublicKey by node, as Felix published them (WireGuard on). */
  publicKeys?: Map<string, string>;
}

export type RecordView = Exclude<GoldenView, 'node-status'>;

const isGetYaml = (view: RecordView): view is GetYamlView => view.startsWith('get ') && view.endsWith(' -o yaml');

/** `calicoctl get KIND [NAME...] -o yaml` as calilab's `get` prints it (src/calico/calicoctl/get.ts). */
function getYaml(rec: LabRecord, view: GetYamlView, publicKeys?: Map<string, string>): string {
  const [alias, ...names] = view.split(' ').slice(1, -2);
  const kind = resolveKind(alias);
  if (!kind) throw new Error(`golden view "${view}": calicoctl has no resource type ${alias}`);
  const r = getOutput(rec, labResources(rec, publicKeys), { kind, names, output: 'yaml' });
  if (r.missing.length) throw new Error(`golden view "${view}": the lab has no such ${kind}`);
  return r.text;
}

/** A calicoctl table of the lab's resources, as `calilab get` prints it. */
const getTable = (rec: LabRecord, kind: string, output: 'ps' | 'wide', allNamespaces = false) =>
  getOutput(rec, labResources(rec), { kind, names: [], output, allNamespaces }).text;

export function renderView(rec: LabRecord, view: RecordView, ctx: ViewContext): string {
  if (isGetYaml(view)) return getYaml(rec, view, ctx.publicKeys);
  switch (view) {
    case 'ippool-wide':
      return getTable(rec, 'IPPool', 'wide');
    case 'wep':
      return getTable(rec, 'WorkloadEndpoint', 'ps');
    case 'wep-all':
      return getTable(rec, 'WorkloadEndpoint', 'ps', true);
    case 'wep-wide-all':
      return getTable(rec, 'WorkloadEndpoint', 'wide', true);
    case 'ipam-show':
      return renderIpamShow(rec, 'pools');
    case 'ipam-show-blocks':
      return renderIpamShow(rec, 'blocks');
    case 'ipam-show-borrowed':
      return renderIpamShow(rec, 'borrowed');
    case 'ipam-show-configuration':
      return renderIpamShow(rec, 'configuration');
    case 'checksystem':
      return renderCheckSystem(ctx.kernelRelease, ctx.modules);
    case 'kubectl-pods-wide':
      return kubectlPodsWide(rec, false, ctx.now);
    case 'kubectl-pods-wide-all':
      return kubectlPodsWide(rec, true, ctx.now);
  }
}
