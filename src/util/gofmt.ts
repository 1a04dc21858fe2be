// Go's fmt verbs for float64 that calicoctl prints with: `%.5g` and `%.f` (calicoctl/calicoctl/
// commands/ipam/show.go:187-192 in v3.28.1). JavaScript's toPrecision/toFixed round exact ties away
// from zero; Go rounds them to even (strconv/decimal.go:shouldRoundUp, strconv/ftoaryu.go:
// ryuFtoaFixed64), so 37.5 prints as 38 and 62.5 as 62. Both work here from the double's exact
// decimal expansion, so the result is Go's byte for byte.

/** A finite non-negative double as 0.d1d2d3… × 10^dp, digits without trailing zeros (strconv's decimal). */
interface Decimal {
  digits: string;
  dp: number;
}

function exactDecimal(x: number): Decimal {
  if (x === 0) return { digits: '', dp: 0 };
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const hi = view.getUint32(0);
  const biased = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  if (biased) mant |= 1n << 52n;
  const exp = (biased || 1) - 1075; // x = mant × 2^exp
  let s: string;
  let dp: number;
  if (exp >= 0) {
    s = (mant << BigInt(exp)).toString();
    dp = s.length;
  } else {
    s = (mant * 5n ** BigInt(-exp)).toString(); // mant × 2^exp = mant × 5^-exp / 10^-exp
    dp = s.length + exp;
  }
  return { digits: s.replace(/0+$/, ''), dp };
}

/** Keeps the first `nd` digits, rounding half to even on an exact tie (strconv/decimal.go:
 *  shouldRoundUp, RoundUp, RoundDown). nd < 0 leaves the number as it is, as decimal.Round does. */
function roundDecimal(d: Decimal, nd: number): Decimal {
  if (nd < 0 || nd >= d.digits.length) return d;
  const next = d.digits[nd];
  const tie = next === '5' && nd + 1 === d.digits.length;
  const up = tie ? nd > 0 && Number(d.digits[nd - 1]) % 2 === 1 : next >= '5';
  if (!up) return { digits: d.digits.slice(0, nd).replace(/0+$/, ''), dp: d.dp };
  const kept = d.digits.slice(0, nd).replace(/9+$/, '');
  if (!kept) return { digits: '1', dp: d.dp + 1 }; // all nines (or nothing) carry into a new digit
  return { digits: kept.slice(0, -1) + String(Number(kept.at(-1)) + 1), dp: d.dp };
}

const digitAt = (d: Decimal, i: number) => (i >= 0 && i < d.digits.length ? d.digits[i] : '0');

/** strconv/ftoa.go:fmtF: the integer part, then `prec` decimals. */
function fmtF(neg: boolean, d: Decimal, prec: number): string {
  let out = neg ? '-' : '';
  if (d.dp > 0) for (let i = 0; i < d.dp; i++) out += digitAt(d, i);
  else out += '0';
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, d.dp + i - 1);
  }
  return out;
}

/** strconv/ftoa.go:fmtE: d.ddddde±XX, an exponent of at least two digits. */
function fmtE(neg: boolean, d: Decimal, prec: number): string {
  let out = (neg ? '-' : '') + digitAt(d, 0);
  if (prec > 0) {
    out += '.';
    for (let i = 1; i <= prec; i++) out += digitAt(d, i);
  }
  const exp = d.digits.length ? d.dp - 1 : 0;
  return `${out}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function special(x: number): string | undefined {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  return undefined;
}

/** Go's fmt.Sprintf("%.<prec>g", x) (strconv/ftoa.go, formatDigits case 'g'). */
export function goFormatG(x: number, prec: number): string {
  const s = special(x);
  if (s) return s;
  const p = prec === 0 ? 1 : prec;
  const d = roundDecimal(exactDecimal(Math.abs(x)), p);
  const neg = x < 0 || Object.is(x, -0);
  let eprec = p;
  if (eprec > d.digits.length && d.digits.length >= d.dp) eprec = d.digits.length;
  const exp = d.dp - 1;
  if (exp < -4 || exp >= eprec) return fmtE(neg, d, Math.min(p, d.digits.length) - 1);
  return fmtF(neg, d, Math.max((p > d.dp ? d.digits.length : p) - d.dp, 0));
}

/** Go's fmt.Sprintf("%.<prec>f", x); `%.f` is prec 0 (strconv/ftoa.go, bigFtoa and fmtF). */
export function goFormatF(x: number, prec: number): string {
  const s = special(x);
  if (s) return s;
  const d0 = exactDecimal(Math.abs(x));
  const d = roundDecimal(d0, d0.dp + prec);
  return fmtF(x < 0 || Object.is(x, -0), d, prec);
}
