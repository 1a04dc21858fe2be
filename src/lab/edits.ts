// The topology edits behind live changes, without touching the kernel: calicoctl-style patches
// of an IPPool or the FelixConfiguration, and a pod added or removed with every running block
// and address pinned so that nothing else moves. Each returns a validated topology, or throws a
// TopologyError naming the patch and the fix.
import { contains, formatCidr, isIPv4, networkOf, parseCidr, parseIp } from '../net/ipv4.ts';
import type { Topology } from '../topology/types.ts';
import { TopologyError, validateTopology } from '../topology/validate.ts';
import type { LabRecord } from './state.ts';

/** The IPPool and FelixConfiguration spec fields a running lab follows, and the topology field
 *  each sets: the one table behind `patch` and `apply`. */
export const POOL_SPEC: Record<string, string> = {
  ipipMode: 'ipipMode',
  vxlanMode: 'vxlanMode',
  natOutgoing: 'natOutgoing',
  disabled: 'disabled',
};
export const FELIX_SPEC: Record<string, string> = { wireguardEnabled: 'wireguard', nftablesMode: 'nftablesMode' };

function specOf(patch: string, file: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(patch);
  } catch (e) {
    const fix = `quote it for the shell: -p '{"spec":{"ipipMode":"Never"}}'`;
    throw TopologyError.from(file, [{ field: '-p', message: `is not JSON: ${(e as Error).message}`, fix }], e);
  }
  const spec = (parsed as { spec?: unknown })?.spec;
  if (!spec || typeof spec !== 'object')
    throw new TopologyError(file, [{ field: '-p', message: 'has no "spec" object', fix: `write -p '{"spec":{...}}'` }]);
  return spec as Record<string, unknown>;
}

/** Returns the patched topology (validated), without touching the kernel. */
export function patchedTopology(rec: LabRecord, kind: string, name: string, patch: string): Topology {
  const file = `patch ${kind} ${name}`;
  // Pinned: as in Calico, a patch never moves a running pod's address or a node's blocks (even
  // when it disables the pool they came from).
  const raw = pinned(rec);
  const spec = specOf(patch, file);
  if (kind === 'ippool' || kind === 'ippools') {
    const pool = raw.ipPools.find((p: { name: string }) => p.name === name);
    if (!pool)
      throw new TopologyError(file, [
        {
          field: 'name',
          message: `no IPPool named ${name}`,
          fix: `use one of: ${raw.ipPools.map((p: { name: string }) => p.name).join(', ')}`,
        },
      ]);
    for (const [k, v] of Object.entries(spec)) {
      if (!POOL_SPEC[k])
        throw new TopologyError(file, [
          {
            field: `spec.${k}`,
            message: 'cannot be changed on a running lab',
            fix: `patch one of: ${Object.keys(POOL_SPEC).join(', ')}`,
          },
        ]);
      pool[POOL_SPEC[k]] = v;
    }
    // As in calicoctl: enabling one encapsulation with the other still on is an error, so
    // switching to VXLAN means {"ipipMode":"Never","vxlanMode":"Always"} in one patch.
  } else if (kind === 'felixconfiguration' || kind === 'felixconfigurations') {
    if (name !== 'default')
      throw new TopologyError(file, [
        { field: 'name', message: `no FelixConfiguration named ${name}`, fix: 'use default' },
      ]);
    for (const [k, v] of Object.entries(spec)) {
      if (!FELIX_SPEC[k])
        throw new TopologyError(file, [
          {
            field: `spec.${k}`,
            message: 'is not supported',
            fix: `patch one of: ${Object.keys(FELIX_SPEC).join(', ')}`,
          },
        ]);
      raw[FELIX_SPEC[k]] = v;
    }
  } else {
    throw new TopologyError(file, [
      { field: 'kind', message: `cannot patch ${kind}`, fix: 'patch ippool NAME or felixconfiguration default' },
    ]);
  }
  return validateTopology(raw, file);
}

export interface PodSpec {
  name: string;
  namespace: string;
  node: string;
  ip?: string;
}

/** The running lab's topology with every block and pod address pinned, so nothing moves. */
export function pinned(rec: LabRecord): Record<string, any> {
  const raw = JSON.parse(JSON.stringify(rec.topology));
  delete raw.file;
  for (const n of raw.nodes)
    n.blocks = rec.plan.allocation.nodes.find((a) => a.node === n.name)!.blocks.map((b) => b.cidr);
  for (const p of raw.pods)
    p.ip = rec.plan.allocation.pods.find((a) => a.name === p.name && a.namespace === p.namespace)!.ip;
  return raw;
}

export function topologyWithPod(rec: LabRecord, pod: PodSpec): Topology {
  const raw = pinned(rec);
  if (raw.pods.some((p: PodSpec) => p.name === pod.name && p.namespace === pod.namespace)) {
    throw new TopologyError(`pod add ${pod.name}`, [
      {
        field: 'name',
        message: `pod ${pod.namespace}/${pod.name} already exists`,
        fix: 'pick another name, or `calilab pod del` it first',
      },
    ]);
  }
  raw.pods.push({ name: pod.name, namespace: pod.namespace, node: pod.node, ...(pod.ip ? { ip: pod.ip } : {}) });
  // A requested address outside the node's blocks: the node claims that address's block (when
  // no other node holds it), as Calico's IPAM does for an IP annotation.
  const node = raw.nodes.find((n: { name: string }) => n.name === pod.node);
  const pool =
    pod.ip && isIPv4(pod.ip)
      ? raw.ipPools.find((p: { cidr: string }) => contains(parseCidr(p.cidr), parseIp(pod.ip!)))
      : undefined;
  if (node && pool) {
    const block = formatCidr({ network: networkOf(parseIp(pod.ip!), pool.blockSize), prefix: pool.blockSize });
    const held = raw.nodes.some((n: { blocks: string[] }) => n.blocks.includes(block));
    if (!held && !node.blocks.some((b: string) => contains(parseCidr(b), parseIp(pod.ip!)))) node.blocks.push(block);
  }
  return validateTopology(raw, `pod add ${pod.name}`);
}

export function topologyWithoutPod(rec: LabRecord, namespace: string, name: string): Topology {
  const raw = pinned(rec);
  const before = raw.pods.length;
  raw.pods = raw.pods.filter((p: PodSpec) => !(p.name === name && p.namespace === namespace));
  if (raw.pods.length === before) {
    throw new TopologyError(`pod del ${name}`, [
      {
        field: 'name',
        message: `no pod ${namespace}/${name}`,
        fix: `use one of: ${rec.plan.workloads.map((w) => `${w.namespace}/${w.pod}`).join(', ')}`,
      },
    ]);
  }
  return validateTopology(raw, `pod del ${name}`);
}
