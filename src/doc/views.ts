// The calicoctl and kubectl views a golden can name, rendered from the lab's record alone, so
// that unit tests render exactly what `calilab doc` compares (only `node status` needs BIRD, and
// run.ts renders it). The caller supplies the time, the kernel's answers and the WireGuard keys.
import type { ModuleCheck } from '../calico/calicoctl/checksystem.ts';
import { renderCheckSystem } from '../calico/calicoctl/checksystem.ts';
import { kubectlPodsWide } from '../calico/calicoctl/kubectl.ts';
import { calicoctlYaml, listResource } from '../calico/calicoctl/printers.ts';
import { labResources, NAMESPACED_KINDS, resolveKind } from '../calico/calicoctl/resources.ts';
import { calicoctlTable, ippoolRows, renderIpamShow, wepTable } from '../calico/calicoctl/views.ts';
import type { LabRecord } from '../lab/state.ts';
import { table } from '../report/table.ts';
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

/** `calicoctl get KIND [NAME...] -o yaml` as calilab's `get` prints it (src/cli/commands/resources.ts):
 *  one named resource, several as a sequence, none named: the kind's List (`get wep`: namespace default). */
function getYaml(rec: LabRecord, view: GetYamlView, publicKeys?: Map<string, string>): string {
  const [alias, ...names] = view.split(' ').slice(1, -2);
  const kind = resolveKind(alias);
  if (!kind) throw new Error(`golden view "${view}": calicoctl has no resource type ${alias}`);
  const all = labResources(rec, publicKeys).filter(
    (r) => r.kind === kind && (!NAMESPACED_KINDS.has(kind) || r.metadata.namespace === 'default'),
  );
  if (!names.length) {
    const version = String(Math.max(1, ...Object.values(rec.resourceVersions ?? {}).map(Number)));
    return calicoctlYaml(listResource(kind, all, version));
  }
  const found = names.map((n) => all.find((r) => r.metadata.name === n));
  if (found.some((r) => !r)) throw new Error(`golden view "${view}": the lab has no such ${kind}`);
  return calicoctlYaml(found.length === 1 ? found[0] : found);
}

export function renderView(rec: LabRecord, view: RecordView, ctx: ViewContext): string {
  if (isGetYaml(view)) return getYaml(rec, view, ctx.publicKeys);
  switch (view) {
    case 'ippool-wide':
      return table(ippoolRows(rec, true));
    case 'wep':
      return calicoctlTable(wepTable(rec));
    case 'wep-all':
      return calicoctlTable(wepTable(rec, { allNamespaces: true }));
    case 'wep-wide-all':
      return calicoctlTable(wepTable(rec, { allNamespaces: true, wide: true }));
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
