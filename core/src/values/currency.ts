/**
 * Currency recognition: symbols and ISO 4217 codes next to an amount (`$1,234.50`, `12.00 EUR`) and in
 * header text (`Amount (EUR)`, `Budget in €`). Pure: no I/O, no Node APIs.
 */

/** `"a=b c=d"` → pairs; an empty right side is `null`. Keeps the tables below compact. */
function pairs(table: string): [string, string | null][] {
  return table.split(' ').map((entry): [string, string | null] => {
    const eq = entry.indexOf('=');
    return [entry.slice(0, eq), entry.slice(eq + 1) || null];
  });
}

/** ISO 4217 codes we recognise as text. Deliberately a common subset, not the whole standard. */
export const ISO_CURRENCY_CODES: ReadonlySet<string> = new Set(
  (
    'USD EUR GBP JPY CHF CAD AUD NZD CNY HKD SGD SEK NOK DKK ISK PLN CZK HUF RON BGN TRY RUB UAH INR IDR MYR ' +
    'PHP THB VND KRW TWD ILS AED SAR QAR KWD EGP ZAR NGN KES MAD BRL MXN ARS CLP COP PEN'
  ).split(' '),
);

/** One-character symbols other than `$`, by char code. */
const SYMBOL_CHARS: ReadonlyMap<number, string> = new Map(
  pairs('€=EUR £=GBP ¥=JPY ￥=JPY ₹=INR ₩=KRW ₽=RUB ₺=TRY ₪=ILS ₫=VND ₱=PHP ฿=THB').map(([sym, code]): [number, string] => [
    sym.charCodeAt(0),
    code ?? '',
  ]),
);

/**
 * Symbols that start with a letter, longest first so that `US$` wins over `S$`. `null` marks a currency
 * that is ambiguous (`kr` is SEK, NOK, DKK or ISK). `$` alone is USD.
 */
const LETTER_SYMBOLS: readonly [string, string | null][] = pairs(
  'US$=USD CA$=CAD AU$=AUD NZ$=NZD HK$=HKD SG$=SGD MX$=MXN NT$=TWD kr.= C$=CAD A$=AUD S$=SGD R$=BRL zł=PLN Kč=CZK',
);

/** Letter-only currency words allowed next to an amount, upper-cased: ISO codes plus a few aliases. */
const LETTER_CODES: ReadonlyMap<string, string | null> = new Map<string, string | null>([
  ...[...ISO_CURRENCY_CODES].map((c): [string, string] => [c, c]),
  ['RMB', 'CNY'],
  ['KR', null],
]);

/** Where a match found by {@link matchCurrencyPrefix} / {@link matchCurrencySuffix} puts its code. */
export interface CurrencyHit {
  code: string | null;
}

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** A one-character symbol (`$`, `€`, `£`, …): 1 with `hit.code` set, or 0. */
function matchSymbolChar(c: number, hit: CurrencyHit): number {
  const code = c === 36 ? 'USD' : SYMBOL_CHARS.get(c);
  if (code === undefined) return 0;
  hit.code = code;
  return 1;
}

/**
 * Length of a currency symbol or code starting at `s[lo]` (and ending before `hi`), or 0. A code must not
 * be followed by another letter (`EUROS 12` is not EUR). Sets `hit.code` on a match.
 */
export function matchCurrencyPrefix(s: string, lo: number, hi: number, hit: CurrencyHit): number {
  const c = s.charCodeAt(lo);
  if (c === 36 || c > 127) return matchSymbolChar(c, hit);
  if (!isAsciiLetter(c)) return 0;
  for (const [sym, code] of LETTER_SYMBOLS) {
    if (lo + sym.length <= hi && s.startsWith(sym, lo)) {
      hit.code = code;
      return sym.length;
    }
  }
  let end = lo + 1;
  while (end < hi && end - lo <= 3 && isAsciiLetter(s.charCodeAt(end))) end++;
  if (end < hi && isAsciiLetter(s.charCodeAt(end))) return 0;
  const code = LETTER_CODES.get(s.slice(lo, end).toUpperCase());
  if (code === undefined) return 0;
  hit.code = code;
  return end - lo;
}

/** Like {@link matchCurrencyPrefix}, for a symbol or code ending just before `s[hi]` (and at or after `lo`). */
export function matchCurrencySuffix(s: string, lo: number, hi: number, hit: CurrencyHit): number {
  const c = s.charCodeAt(hi - 1);
  if (c === 36 || c === 46 || c > 127 || isAsciiLetter(c)) {
    for (const [sym, code] of LETTER_SYMBOLS) {
      if (hi - sym.length >= lo && s.startsWith(sym, hi - sym.length)) {
        hit.code = code;
        return sym.length;
      }
    }
  }
  if (c === 36 || c > 127) return matchSymbolChar(c, hit);
  if (!isAsciiLetter(c)) return 0;
  let start = hi - 1;
  while (start > lo && hi - start <= 3 && isAsciiLetter(s.charCodeAt(start - 1))) start--;
  if (start > lo && isAsciiLetter(s.charCodeAt(start - 1))) return 0;
  const code = LETTER_CODES.get(s.slice(start, hi).toUpperCase());
  if (code === undefined) return 0;
  hit.code = code;
  return hi - start;
}

/** Prefixes before `$` in header text: `US$`, `C$`, `A$`, … */
const DOLLAR_PREFIXES: ReadonlyMap<string, string | null> = new Map(
  pairs('US=USD C=CAD CA=CAD A=AUD AU=AUD NZ=NZD HK=HKD S=SGD SG=SGD R=BRL MX=MXN NT=TWD'),
);

/** Currency words in header text (lower-case), besides ISO codes. */
const HEADER_WORDS: ReadonlyMap<string, string | null> = new Map(
  pairs('euro=EUR euros=EUR yen=JPY sterling=GBP rmb=CNY zł=PLN zloty=PLN złoty=PLN'),
);

/** ISO codes that are also ordinary words: only recognised when written in capitals. */
const CODES_THAT_ARE_WORDS: ReadonlySet<string> = new Set(['TRY', 'PHP', 'PEN', 'COP', 'ARS', 'SAR', 'ILS', 'KES', 'RON', 'MAD']);

/**
 * Words of a header: runs of letters, also split where camel case starts a new word (`amountEur` →
 * `amount`, `Eur`; `USDBudget` → `USD`, `Budget`), but never inside an all-capitals word (`EUROPE`).
 */
const WORD = /\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\p{L}+/gu;

/**
 * The currency a header names (`Amount (EUR)`, `Budget in €`, `Betrag EUR`, `USD Budget`, `Montant (€)`),
 * or `null` when it names none, or names two different ones. Codes are whole words only: `EUROPE` is not
 * EUR and `CADENCE` is not CAD; codes that are also English words (`try`, `pen`) count only in capitals.
 */
export function currencyFromText(text: string): string | null {
  let found: string | null = null;
  let conflict = false;
  const note = (code: string): void => {
    if (found === null) found = code;
    else if (found !== code) conflict = true;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 36) {
      let start = i;
      while (start > 0 && isAsciiLetter(text.charCodeAt(start - 1))) start--;
      note(DOLLAR_PREFIXES.get(text.slice(start, i).toUpperCase()) ?? 'USD');
    } else if (c > 127) {
      const code = SYMBOL_CHARS.get(c);
      if (code !== undefined) note(code);
    }
  }
  for (const match of text.matchAll(WORD)) {
    const word = match[0];
    const upper = word.toUpperCase();
    if (word.length === 3 && ISO_CURRENCY_CODES.has(upper)) {
      if (word === upper || !CODES_THAT_ARE_WORDS.has(upper)) note(upper);
      continue;
    }
    const code = HEADER_WORDS.get(word.toLowerCase());
    if (code) note(code);
  }
  return conflict ? null : found;
}
