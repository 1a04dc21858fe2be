// The calicoctl and kubectl views a golden can name, rendered from the lab's record alone, so
// that unit tests render exactly what `calilab doc` compares (only `node status` needs BIRD, and
// run.ts renders it). The caller supplies the time and the kernel's answers.
import type { ModuleCheck } from '../calico/calicoctl/checksystem.ts';
import { renderCheckSystem } from '../calico/calicoctl/checksystem.ts';
import { kubectlPodsWide } from '../calico/calicoctl/kubectl.ts';
import { calicoctlTable, ippoolRows, renderIpamShow, wepTable } from '../calico/calicoctl/views.ts';
import type { LabRecord } from '../lab/state.ts';
import { table } from '../report/table.ts';
import type { GoldenView } from './goldens.ts';

export interface ViewContext {
  /** kubectl's AGE is counted to this time. */
  now: Date;
  /** `uname -r` of the kernel the lab runs on, and checkModules' answers for it. */
  kernelRelease: string;
  modules: ModuleCheck[];
}

export type RecordView = Exclude<GoldenView, 'node-status'>;

export function renderView(rec: LabRecord, view: RecordView, ctx: ViewContext): string {
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
