// The two shell scripts that run inside the VM. Both are constant text: the command to run
// reaches the guest as NUL-separated files on the control share, never as shell code.

/** Load order matters: each module needs the ones before it (measured, see vm-notes). */
export const BOOT_MODULES = [
  'virtio_ring',
  'virtio',
  'virtio_pci_legacy_dev',
  'virtio_pci_modern_dev',
  'virtio_pci',
  'virtio_console',
  'netfs',
  'fscache',
  '9pnet',
  '9pnet_virtio',
  '9p',
  'overlay',
];

/** /init of the initramfs (busybox sh): builds the overlay root, runs guest.sh, powers off. */
export const INIT_SCRIPT = `#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
die() { echo "calilab-vm: $*" > /dev/ttyS0; echo "calilab-vm: $*" >&2; reboot -f; }
for m in $(cat /mods/order); do insmod /mods/$m.ko || die "insmod $m failed"; done
P9=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o $P9,ro,cache=loose hostroot /host || die "mount hostroot failed"
mount -t tmpfs -o mode=0755 tmpfs /ovl && mkdir -p /ovl/upper /ovl/work
mount -t overlay overlay -o lowerdir=/host,upperdir=/ovl/upper,workdir=/ovl/work /newroot || die "overlay failed"
R=/newroot
mount -t proc proc $R/proc
mount -t sysfs sysfs $R/sys
mount -t devtmpfs devtmpfs $R/dev
mkdir -p $R/dev/pts $R/dev/shm
mount -t devpts devpts $R/dev/pts
mount -t tmpfs tmpfs $R/dev/shm
mount -t tmpfs -o mode=0755 tmpfs $R/run
mkdir -p $R/run/netns $R/run/calilab-vm
mount -t tmpfs -o mode=1777 tmpfs $R/tmp
mount -t 9p -o $P9 ctl $R/run/calilab-vm || die "mount ctl failed"
WORK="$(cat $R/run/calilab-vm/workdir)"
if [ -n "$WORK" ]; then
  mkdir -p "$R$WORK"
  mount -t 9p -o $P9,cache=mmap work "$R$WORK" || die "mount work failed"
fi
OUT=/dev/null; ERR=/dev/null
for p in /sys/class/virtio-ports/*; do
  case "$(cat $p/name)" in
    calilab.stdout) OUT=/dev/\${p##*/} ;;
    calilab.stderr) ERR=/dev/\${p##*/} ;;
  esac
done
chroot $R /bin/bash /run/calilab-vm/guest.sh < /dev/null > $OUT 2> $ERR
echo $? > $R/run/calilab-vm/status
sync
umount "$R$WORK" 2>/dev/null
umount $R/run/calilab-vm
reboot -f
`;

/** The VM's ARP table caps, set by GUEST_SCRIPT. */
const NEIGH_THRESHOLDS = [
  'net.ipv4.neigh.default.gc_thresh1=8192',
  'net.ipv4.neigh.default.gc_thresh2=32768',
  'net.ipv4.neigh.default.gc_thresh3=65536',
].join(' ');

/** Runs inside the chroot with the host's bash: loads the datapath modules, runs argv. */
export const GUEST_SCRIPT = `set -u
ctl=/run/calilab-vm
: > $ctl/booted
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
hostname calilab-vm
ip link set lo up
sysctl -q -w kernel.printk="1 4 1 7" 2>/dev/null
# The VM's kernel is ours alone: keep new namespaces free of the fallback tunl0, so that pods
# show eth0 as ifindex 2 (cali…@if2) as on the documents' hosts; calilab adds tunl0 to nodes.
sysctl -q -w net.core.fb_tunnels_only_for_init_net=2
# The ARP table is one for all namespaces, capped by gc_thresh3 (1024 by default): a 50-node
# mesh alone needs 50 x 49 entries. The VM is ours, so lift the caps (calilab up checks them).
sysctl -q -w ${NEIGH_THRESHOLDS}
for m in $(cat $ctl/modules); do modprobe "$m" || echo "calilab-vm: modprobe $m failed" >&2; done
mapfile -d '' -t envs < $ctl/env
mapfile -d '' -t argv < $ctl/argv
cd "$(cat $ctl/cwd)" || exit 125
exec env -i "\${envs[@]}" "\${argv[@]}"
`;
