/**
 * Header vocabulary for each canonical field, in English, German, French and Spanish, already normalized
 * (see normalize.ts). Whole-header synonyms are the strongest evidence; their tokens drive token matching,
 * and fuzzy matching (Levenshtein) catches typos of them.
 */
import type { CanonicalField } from './types.ts';

export const FIELD_SYNONYMS: Record<CanonicalField, readonly string[]> = {
  department: [
    'department', 'dept', 'dep', 'dept name', 'department name', 'department code', 'dept code',
    'cost center', 'cost centre', 'cost ctr', 'cost center name', 'cost centre name', 'cc', 'cost center code',
    'business unit', 'bu', 'org unit', 'organizational unit', 'organisational unit', 'organization unit',
    'organisation unit', 'organization', 'organisation', 'org', 'team', 'division', 'function', 'unit',
    'agency', 'bureau', 'office', 'segment', 'responsibility center', 'responsibility centre', 'profit center',
    'profit centre', 'section', 'service area', 'directorate', 'branch', 'entity', 'department description',
    'kostenstelle', 'kst', 'abteilung', 'bereich', 'organisationseinheit', 'geschaftsbereich',
    'kostenstellenbezeichnung', 'centre de cout', 'centre de couts', 'departement', 'service', 'direction',
    'unite', 'centro de coste', 'centro de costo', 'centro de costos', 'centro de custo', 'departamento',
    'area', 'unidad', 'division', 'unidad de negocio',
  ],
  category: [
    'category', 'budget category', 'expense category', 'cost category', 'spend category', 'gl account',
    'gl', 'gl code', 'gl account name', 'gl account code', 'gl description', 'general ledger account',
    'account', 'account name', 'account code', 'account number', 'account no', 'account description', 'acct',
    'acct name', 'line item', 'budget line', 'budget item', 'expense type', 'cost type', 'expense line',
    'nominal code', 'nominal', 'nominal account', 'ledger account', 'object', 'object code', 'object class',
    'natural account', 'cost element', 'item', 'expense', 'expenditure type', 'spend type', 'subcategory',
    'konto', 'sachkonto', 'kostenart', 'kategorie', 'aufwandsart', 'kontobezeichnung', 'budgetposition',
    'compte', 'categorie', 'nature', 'type de depense', 'poste', 'rubrique', 'compte general',
    'nature de depense', 'cuenta', 'categoria', 'partida', 'concepto', 'tipo de gasto', 'rubro',
    'cuenta contable', 'partida presupuestaria',
  ],
  period: [
    'period', 'month', 'date', 'budget month', 'budget period', 'fiscal period', 'fiscal month',
    'posting period', 'period name', 'mth', 'mo', 'time period', 'quarter', 'qtr', 'fiscal quarter',
    'month year', 'period month', 'monat', 'periode', 'zeitraum', 'quartal', 'buchungsperiode', 'mois',
    'trimestre', 'mes', 'periodo',
  ],
  fiscal_year: [
    'fiscal year', 'fy', 'fiscal yr', 'fin year', 'financial year', 'year', 'budget year', 'fyear',
    'fiscal', 'geschaftsjahr', 'jahr', 'haushaltsjahr', 'wirtschaftsjahr', 'exercice', 'annee',
    'exercice fiscal', 'exercice budgetaire', 'ejercicio', 'ano', 'anio', 'ano fiscal', 'ejercicio fiscal',
  ],
  amount: [
    'amount', 'budget', 'budget amount', 'budgeted', 'budgeted amount', 'amt', 'budget amt', 'value',
    'planned', 'plan', 'plan amount', 'planned amount', 'allocation', 'allocated', 'allocated amount',
    'appropriation', 'annual budget', 'budget value', 'approved budget', 'adopted budget', 'revised budget',
    'proposed budget', 'original budget', 'amended budget', 'total budget', 'budget total', 'spend plan',
    'budgeted cost', 'cost', 'budget usd', 'budget eur', 'betrag', 'wert', 'planwert', 'budgetbetrag',
    'planbetrag', 'ansatz', 'montant', 'valeur', 'montant budgete', 'budget alloue', 'budget prevu',
    'importe', 'monto', 'presupuesto', 'valor', 'cantidad', 'importe presupuestado', 'monto presupuestado',
  ],
  currency: [
    'currency', 'ccy', 'cur', 'curr', 'currency code', 'waehrung', 'wahrung', 'devise', 'monnaie',
    'moneda', 'divisa',
  ],
  project: [
    'project', 'project code', 'project id', 'project name', 'project number', 'project no', 'proj',
    'program', 'programme', 'initiative', 'wbs', 'wbs element', 'job', 'job code', 'grant', 'activity',
    'projekt', 'projektnummer', 'projektname', 'projet', 'code projet', 'proyecto', 'codigo de proyecto',
  ],
  owner: [
    'owner', 'budget owner', 'responsible', 'manager', 'owner email', 'contact', 'approver', 'budget holder',
    'account owner', 'verantwortlich', 'verantwortlicher', 'responsable', 'propietario',
  ],
  notes: [
    'notes', 'note', 'comment', 'comments', 'remarks', 'remark', 'description', 'memo', 'explanation',
    'justification', 'bemerkung', 'bemerkungen', 'kommentar', 'notiz', 'beschreibung', 'commentaire',
    'commentaires', 'remarque', 'nota', 'notas', 'comentario', 'comentarios', 'observaciones',
  ],
};

/**
 * Words that, in a money column's header, say it holds something other than the budget
 * (actuals, variances, prior years). Such a column is never taken as the amount.
 */
export const NOT_BUDGET_MEASURE = new Set([
  'actual', 'actuals', 'spent', 'spend', 'variance', 'var', 'remaining', 'encumbrance', 'encumbered',
  'committed', 'commitments', 'difference', 'diff', 'delta', 'change', 'percent', 'pct', 'ytd', 'prior',
  'previous', 'last', 'py', 'ist', 'abweichung', 'reel', 'realise', 'ecart', 'real', 'ejecutado', 'desviacion',
  'balance', 'available', 'paid', 'invoiced', 'outstanding', 'tax', 'vat',
]);

/** Words marking a budget version, ranked: when two columns hold the same period, the higher rank wins. */
export const BUDGET_VERSION_RANK: Record<string, number> = {
  requested: 1, request: 1, proposed: 2, recommended: 2, draft: 2, forecast: 2, fcst: 2, outlook: 2,
  budget: 3, plan: 3, budgeted: 3, planned: 3, original: 3, approved: 4, adopted: 4, enacted: 4,
  final: 4, revised: 5, amended: 5, current: 5,
};

/** Header words meaning "a total of the columns before it". */
export const TOTAL_WORDS = new Set([
  'total', 'totals', 'sum', 'subtotal', 'gesamt', 'summe', 'insgesamt', 'somme', 'suma', 'totale',
]);
