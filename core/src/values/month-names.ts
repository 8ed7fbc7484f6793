/**
 * Month names and abbreviations in English, German, French, Spanish, Italian, Portuguese, Dutch, the
 * Nordic languages, Czech and Polish, matched case- and accent-insensitively. Pure: no I/O, no Node APIs.
 */

const NAMES: readonly (readonly string[])[] = [
  // English; German; French; Spanish; Italian; Portuguese; Dutch; Danish, Norwegian, Swedish; Czech; Polish
  // (after folding: lower case, accents removed)
  ['january', 'jan', 'januar', 'janner', 'janvier', 'janv', 'enero', 'ene', 'gennaio', 'gen', 'janeiro', 'januari', 'leden', 'styczen'],
  ['february', 'feb', 'febr', 'februar', 'fevrier', 'fevr', 'fev', 'febrero', 'febbraio', 'fevereiro', 'februari', 'unor', 'luty'],
  ['march', 'mar', 'marz', 'maerz', 'mars', 'marzo', 'marco', 'maart', 'mrt', 'marts', 'brezen', 'marzec'],
  ['april', 'apr', 'avril', 'avr', 'abril', 'abr', 'aprile', 'duben', 'kwiecien'],
  ['may', 'mai', 'mayo', 'maggio', 'mag', 'maio', 'mei', 'maj', 'kveten'],
  ['june', 'jun', 'juni', 'juin', 'junio', 'giugno', 'giu', 'junho', 'cerven', 'czerwiec'],
  ['july', 'jul', 'juli', 'juillet', 'juil', 'julio', 'luglio', 'lug', 'julho', 'cervenec', 'lipiec'],
  ['august', 'aug', 'aout', 'agosto', 'ago', 'augustus', 'augusti', 'srpen', 'sierpien'],
  ['september', 'sep', 'sept', 'septembre', 'septiembre', 'setiembre', 'settembre', 'setembro', 'zari', 'wrzesien'],
  ['october', 'oct', 'oktober', 'okt', 'octobre', 'octubre', 'ottobre', 'ott', 'outubro', 'rijen', 'pazdziernik'],
  ['november', 'nov', 'novembre', 'noviembre', 'novembro', 'listopad'],
  ['december', 'dec', 'dezember', 'dez', 'decembre', 'diciembre', 'dic', 'dicembre', 'dezembro', 'prosinec', 'grudzien'],
];

const MONTHS: ReadonlyMap<string, number> = new Map(NAMES.flatMap((names, i) => names.map((name): [string, number] => [name, i + 1])));

const NON_ASCII = /[\u0080-\uffff]/;
const COMBINING_MARKS = /[\u0300-\u036f]/g;
const SPACES = /\s+/g;

/**
 * Text folded for matching: trimmed, lower case, accents removed (`März` → `marz`), runs of white space
 * (including no-break spaces) collapsed to one space.
 */
export function foldText(text: string): string {
  let s = text.trim().toLowerCase();
  if (NON_ASCII.test(s)) s = s.normalize('NFD').replace(COMBINING_MARKS, '');
  return s.replace(SPACES, ' ');
}

/** Month number for an already folded name (see {@link foldText}); a trailing dot is allowed. */
export function monthOfFoldedName(folded: string): number | null {
  const name = folded.endsWith('.') ? folded.slice(0, -1) : folded;
  return MONTHS.get(name) ?? null;
}

/**
 * 1..12 for a month name or abbreviation in one of the languages above (`Jan`, `January`,
 * `Jänner`, `März`, `Mär`, `Maerz`, `févr.`, `juil`, `ago`, `setiembre`, …), case- and accent-insensitive;
 * `null` for anything else.
 */
export function monthOfName(text: string): number | null {
  return monthOfFoldedName(foldText(text));
}
