import test from 'ava';
import { humanDuration, kubectlPodsWide } from '../../src/calico/calicoctl/kubectl.ts';
import { tabwrite } from '../../src/util/tabwriter.ts';
import { KANS_CREATED, kansRecord } from './lab-record.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

test("AGE: apimachinery's HumanDuration, as doc 003 shows it (39s, 5m6s, 5m21s, 16m, 34m)", (t) => {
  const cases: [number, string][] = [
    [-1500, '0s'],
    [-2500, '<invalid>'],
    [39 * s + 900, '39s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [5 * m + 6 * s, '5m6s'],
    [5 * m + 21 * s, '5m21s'],
    [9 * m + 59 * s, '9m59s'],
    [16 * m + 30 * s, '16m'],
    [34 * m, '34m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [7 * h + 59 * m, '7h59m'],
    [8 * h + 30 * m, '8h'],
    [47 * h, '47h'],
    [2 * d + 3 * h, '2d3h'],
    [3 * d, '3d'],
    [8 * d, '8d'],
    [729 * d, '729d'],
    [730 * d + 5 * d, '2y5d'],
    [9 * 365 * d, '9y'],
  ];
  for (const [ms, want] of cases) t.is(humanDuration(ms), want, `${ms} ms`);
});

test("kubectl's tabwriter: minwidth 6, padding 3, the last column unpadded", (t) => {
  t.is(tabwrite('A\tBB\tC\nlonger\tx\tlast\n', { minwidth: 6, padding: 3 }), 'A        BB    C\nlonger   x     last\n');
});

test("get pods -o wide on doc 003's lab, 16 minutes after it came up", (t) => {
  const now = new Date(Date.parse(KANS_CREATED) + 16 * m + 12 * s);
  t.is(
    kubectlPodsWide(kansRecord(), false, now),
    [
      'NAME   READY   STATUS    RESTARTS   AGE   IP             NODE     NOMINATED NODE   READINESS GATES',
      'pod1   1/1     Running   0          16m   172.16.158.3   k8s-w1   <none>           <none>',
      'pod2   1/1     Running   0          16m   172.16.158.4   k8s-w1   <none>           <none>',
      'pod3   1/1     Running   0          16m   172.16.184.3   k8s-w2   <none>           <none>',
      'pod4   1/1     Running   0          16m   172.16.34.4    k8s-w0   <none>           <none>',
      '',
    ].join('\n'),
  );
});

test('-A: NAMESPACE first, pods by namespace then name; no pod in default: kubectl says so', (t) => {
  const rec = kansRecord();
  rec.plan.workloads = rec.plan.workloads.map((w, i) => ({ ...w, namespace: i % 2 ? 'a' : 'kube-system' }));
  const out = kubectlPodsWide(rec, true, new Date(Date.parse(KANS_CREATED) + 39 * s));
  t.deepEqual(
    out.split('\n').map((l) => l.split(/ +/).slice(0, 2).join(' ')),
    ['NAMESPACE NAME', 'a pod2', 'a pod4', 'kube-system pod1', 'kube-system pod3', ''],
  );
  t.regex(out.split('\n')[1], /^a {13}pod2 {3}1\/1 {5}Running {3}0 {10}39s {3}172\.16\.158\.4 {3}k8s-w1/);
  t.is(kubectlPodsWide(rec, false, new Date()), 'No resources found in default namespace.\n');
});
