-- Budget lines with further dimensions and a direction (DESIGN §2), and budget checks at a roll-up level
-- (DESIGN §2 "Control").
--
-- budget_lines: `dimensions` (name → value shown, '{}' when none), `codes` (code/name twins: name → code),
-- `direction` (expense | revenue), and two texts computed by core's dimensionKey / dimensionTerms (the one
-- place that defines them): `dim_key`, the dimensions' identity (sorted lower-cased name=identity terms,
-- the identity being the code of a twin; '' for none), which joins the natural key, and `dim_terms`,
-- every term a check may name the line by (value and code), which a check's dimensions must all be in.
-- Existing lines become expense lines without dimensions: '' and '{}' keep their natural key as it was.
ALTER TABLE "budget_lines" ADD COLUMN "dimensions" jsonb DEFAULT '{}'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "budget_lines" ADD COLUMN "codes" jsonb;--> statement-breakpoint
ALTER TABLE "budget_lines" ADD COLUMN "direction" text DEFAULT 'expense' NOT NULL;--> statement-breakpoint
ALTER TABLE "budget_lines" ADD COLUMN "dim_key" text DEFAULT '' NOT NULL;--> statement-breakpoint
ALTER TABLE "budget_lines" ADD COLUMN "dim_terms" text[] DEFAULT '{}'::text[] NOT NULL;--> statement-breakpoint
ALTER TABLE "budget_lines" ADD CONSTRAINT "budget_lines_direction_check" CHECK ("direction" IN ('expense', 'revenue'));--> statement-breakpoint
DROP INDEX "budget_lines_natural_key";--> statement-breakpoint
CREATE UNIQUE INDEX "budget_lines_natural_key" ON "budget_lines" USING btree ("org_id",lower("department"),lower("category"),lower(coalesce("project", '')),"dim_key","period") WHERE "budget_lines"."deleted_at" is null;--> statement-breakpoint
-- What an import changes besides the amount, currency, owner and notes, so a revert can put it back:
-- the direction, and the dimensions' shown values and codes (their identity never changes on a line).
ALTER TABLE "line_versions" ADD COLUMN "direction_before" text;--> statement-breakpoint
ALTER TABLE "line_versions" ADD COLUMN "direction_after" text;--> statement-breakpoint
ALTER TABLE "line_versions" ADD COLUMN "dimensions_before" jsonb;--> statement-breakpoint
ALTER TABLE "line_versions" ADD COLUMN "dimensions_after" jsonb;--> statement-breakpoint
ALTER TABLE "line_versions" ADD COLUMN "codes_before" jsonb;--> statement-breakpoint
ALTER TABLE "line_versions" ADD COLUMN "codes_after" jsonb;--> statement-breakpoint
-- A reservation made at a roll-up level (several lines) is held on no single line: `line_ids` are the
-- lines it draws on, and every evaluation whose lines intersect them counts its figures (the reservation
-- row's reserved, committed and actual). Found through a GIN index on those rows only.
ALTER TABLE "reservations" ADD COLUMN "line_ids" uuid[];--> statement-breakpoint
CREATE INDEX "reservations_level_lines" ON "reservations" USING gin ("line_ids") WHERE "line_id" IS NULL AND "line_ids" IS NOT NULL;--> statement-breakpoint
DROP FUNCTION budget_sync_reserve_checked(int, text, int, text, text[], text[], text[], date[], text, uuid, uuid, numeric, text, text, text, text, text, jsonb, text);--> statement-breakpoint
DROP FUNCTION budget_sync_reserve(uuid, uuid, numeric, text, text, text, text, text, jsonb, text);--> statement-breakpoint
DROP FUNCTION budget_sync_evaluate(uuid[], text[], text[], text[], date[]);--> statement-breakpoint
-- The evaluation (0004 explains the function and its plan) at a level: a request names a department and
-- any of category (p_categories null: any), project (null: without a project when a category is named,
-- as before; any otherwise), dimensions (p_terms: the request's terms joined by chr(30), '' for none;
-- a line matches when its dim_terms hold them all) and a period: p_dates its first day and p_ends its
-- last, twelve of each per request (one per fiscal-year start month). Only expense lines count.
-- `m` is every line of the level (through the natural-key index: both branches use its prefix, the one
-- whose condition holds runs). The lines the request draws on (`s`): those lying within its period, of
-- the coarsest granularity among them (a year line over the months of that year: two views of one
-- budget); when none lies within it, those of the narrowest period covering its first day (a month asked
-- of a quarter line: that quarter), with every dimension the request leaves open; all of the first one's
-- currency and fiscal year. The basis (`b`) sums lines of that fiscal year, currency and granularity:
-- `period` the lines of `s`, `ytd` those starting no later than their end, `annual` all of them. Figures
-- are the lines' running totals plus every roll-up reservation (line_id null) whose lines intersect the
-- basis, so money held at a level counts at every level that shares a line with it. `line_id` is set
-- when `s` is one line; `line_ids` are the lines of `s` (a roll-up reservation keeps them).
CREATE FUNCTION budget_sync_evaluate(p_orgs uuid[], p_departments text[], p_categories text[], p_projects text[], p_terms text[],
                                     p_dates date[], p_ends date[])
RETURNS TABLE (
  ord int, base_currency text, control_level text, tolerance_percent text, tolerance_amount text, missing_budget text,
  control_basis text, fysm int, line_id uuid, line_period text, line_fiscal_year int, line_currency text,
  line_department text, line_category text, line_project text, line_count int, line_ids uuid[],
  budget text, reserved text, committed text, actual text, overrides json, fingerprint text
)
LANGUAGE plpgsql STABLE
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  SELECT q.ord::int, e.*, md5(e::text)
    FROM unnest(p_orgs, p_departments, p_categories, p_projects, p_terms) WITH ORDINALITY AS q(org_id, department, category, project, terms, ord)
   CROSS JOIN LATERAL (
    WITH o AS (
      SELECT o0.id, o0.base_currency, o0.control_level, o0.tolerance_percent, o0.tolerance_amount, o0.missing_budget,
             o0.control_basis, o0.fiscal_year_start_month, p_dates[(q.ord - 1) * 12 + o0.fiscal_year_start_month] AS at,
             p_ends[(q.ord - 1) * 12 + o0.fiscal_year_start_month] AS until
        FROM organizations o0 WHERE o0.id = q.org_id
    ), m AS MATERIALIZED (
      SELECT b.id, b.period, b.period_start, b.period_end, b.fiscal_year, b.currency, b.department, b.category, b.project, b.amount,
             CASE WHEN b.period LIKE 'FY%' THEN 3 WHEN b.period LIKE '%-Q%' THEN 2 ELSE 1 END AS grain
        FROM budget_lines b
       WHERE q.category IS NOT NULL AND b.org_id = q.org_id AND b.deleted_at IS NULL AND b.direction = 'expense'
         AND lower(b.department) = lower(q.department) AND lower(b.category) = lower(q.category)
         AND lower(coalesce(b.project, '')) = lower(coalesce(q.project, ''))
         AND b.dim_terms @> string_to_array(q.terms, chr(30))
      UNION ALL
      SELECT b.id, b.period, b.period_start, b.period_end, b.fiscal_year, b.currency, b.department, b.category, b.project, b.amount,
             CASE WHEN b.period LIKE 'FY%' THEN 3 WHEN b.period LIKE '%-Q%' THEN 2 ELSE 1 END AS grain
        FROM budget_lines b
       WHERE q.category IS NULL AND b.org_id = q.org_id AND b.deleted_at IS NULL AND b.direction = 'expense'
         AND lower(b.department) = lower(q.department)
         AND (q.project IS NULL OR lower(coalesce(b.project, '')) = lower(q.project))
         AND b.dim_terms @> string_to_array(q.terms, chr(30))
    ), w AS (
      SELECT m.* FROM m, o WHERE m.period_start >= o.at AND m.period_end <= o.until
    ), c AS (
      SELECT m.period FROM m, o
       WHERE NOT EXISTS (SELECT 1 FROM w) AND m.period_start <= o.at AND m.period_end >= o.at
       ORDER BY m.period_end - m.period_start, m.period_start DESC, m.id
       LIMIT 1
    ), s0 AS (
      SELECT w.* FROM w WHERE w.grain = (SELECT max(w2.grain) FROM w w2)
      UNION ALL
      SELECT m.* FROM m, c WHERE m.period = c.period
    ), a AS (
      SELECT s0.currency, s0.fiscal_year, s0.grain FROM s0 ORDER BY s0.period_start, s0.id LIMIT 1
    ), s AS (
      SELECT s0.* FROM s0, a WHERE s0.currency = a.currency AND s0.fiscal_year = a.fiscal_year
    ), l AS (
      SELECT count(*)::int AS n, array_agg(s.id ORDER BY s.id) AS ids, max(s.period_end) AS until,
             CASE WHEN count(*) = 1 THEN (array_agg(s.id))[1] END AS id,
             CASE WHEN count(DISTINCT s.period) = 1 THEN min(s.period) END AS period,
             min(s.department) AS department,
             CASE WHEN count(DISTINCT lower(s.category)) = 1 THEN min(s.category) END AS category,
             CASE WHEN count(DISTINCT lower(coalesce(s.project, ''))) = 1 THEN min(s.project) END AS project
        FROM s HAVING count(*) > 0
    ), b AS MATERIALIZED (
      SELECT s.id, s.amount FROM s, o WHERE o.control_basis = 'period'
      UNION ALL
      SELECT m.id, m.amount FROM o, a, l, m
       WHERE o.control_basis <> 'period' AND m.fiscal_year = a.fiscal_year AND m.currency = a.currency AND m.grain = a.grain
         AND (o.control_basis = 'annual' OR m.period_start <= l.until)
    ), v AS (
      -- Through the GIN index on roll-up reservations (line ids are unique, so no org condition is needed).
      SELECT coalesce(sum(r.reserved), 0.00) AS reserved, coalesce(sum(r.committed), 0.00) AS committed,
             coalesce(sum(r.actual), 0.00) AS actual
        FROM reservations r
       WHERE r.line_id IS NULL AND r.line_ids IS NOT NULL AND r.line_ids && (SELECT array_agg(b.id) FROM b)
    ), g AS (
      SELECT sum(b.amount) AS budget, coalesce(sum(c.reserved), 0.00) + v.reserved AS reserved,
             coalesce(sum(c.committed), 0.00) + v.committed AS committed, coalesce(sum(c.actual), 0.00) + v.actual AS actual
        FROM v, b LEFT JOIN line_consumption c ON c.line_id = b.id
       GROUP BY v.reserved, v.committed, v.actual
    )
    SELECT o.base_currency::text, o.control_level, o.tolerance_percent::text, o.tolerance_amount::text, o.missing_budget,
           o.control_basis, o.fiscal_year_start_month::int,
           l.id, l.period, a.fiscal_year, a.currency::text, l.department, l.category, l.project, l.n, l.ids,
           g.budget::text, g.reserved::text, g.committed::text, g.actual::text,
           (SELECT coalesce(json_agg(json_build_object(
                     'department', v.department, 'category', v.category, 'controlLevel', v.control_level,
                     'tolerancePercent', v.tolerance_percent::text, 'toleranceAmount', v.tolerance_amount::text) ORDER BY v.id), '[]'::json)
              FROM control_overrides v
             WHERE v.org_id = q.org_id AND (v.department IS NULL OR lower(v.department) = lower(q.department))
               AND (v.category IS NULL OR lower(v.category) = lower(q.category)))
      FROM o LEFT JOIN l ON true LEFT JOIN a ON true LEFT JOIN g ON true
   ) e;
END;
$$;
--> statement-breakpoint
-- The reserving write (0004), which now also keeps the lines of a roll-up reservation (p_line null,
-- p_line_ids its lines): its figures then live on the reservation row, counted by every evaluation whose
-- lines intersect them.
CREATE FUNCTION budget_sync_reserve(p_org uuid, p_line uuid, p_line_ids uuid[], p_amount numeric, p_currency text, p_reference text,
                                    p_description text, p_key text, p_hash text, p_response jsonb, p_actor text)
RETURNS SETOF reservations
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
AS $$
DECLARE
  r reservations;
  c line_consumption;
BEGIN
  INSERT INTO reservations AS x (org_id, line_id, line_ids, status, amount, reserved, currency, reference, description, idempotency_key, request_hash, response)
  VALUES (p_org, p_line, CASE WHEN p_line IS NULL THEN p_line_ids END, 'held', p_amount, p_amount, p_currency, p_reference, p_description,
          p_key, p_hash, p_response)
  ON CONFLICT (org_id, idempotency_key) DO NOTHING
  RETURNING x.* INTO r;
  IF NOT FOUND THEN
    RETURN;
  END IF;
  IF p_line IS NOT NULL THEN
    INSERT INTO utilization_entries (org_id, line_id, reservation_id, entry_type, amount, actor)
    VALUES (p_org, p_line, r.id, 'reserved', p_amount, p_actor);
    INSERT INTO line_consumption AS lc (line_id, org_id, reserved) VALUES (p_line, p_org, p_amount)
    ON CONFLICT (line_id) DO UPDATE SET reserved = lc.reserved + excluded.reserved, updated_at = now()
    RETURNING lc.* INTO c;
    INSERT INTO outbox (org_id, event, payload)
    SELECT t.org_id, t.event, t.payload
      FROM budget_sync_threshold_events(p_line, c.reserved, c.committed, c.actual, p_amount, 'reservation', r.id) AS t;
  END IF;
  RETURN NEXT r;
END;
$$;
--> statement-breakpoint
-- The one-statement reservation (0004), with the level's arguments of the evaluation and the write, and the
-- lines of a roll-up reservation in its answer.
CREATE FUNCTION budget_sync_reserve_checked(
  p_group_class int, p_group text, p_key_class int, p_key_lock text,
  p_departments text[], p_categories text[], p_projects text[], p_terms text[], p_dates date[], p_ends date[], p_fingerprint text,
  p_org uuid, p_line uuid, p_line_ids uuid[], p_amount numeric, p_currency text, p_reference text,
  p_description text, p_key text, p_hash text, p_response jsonb, p_actor text)
RETURNS TABLE (
  outcome text, id uuid, line_id uuid, line_ids uuid[], status text, amount text, reserved text, committed text, actual text,
  currency text, reference text, description text, request_hash text, response jsonb,
  created_at timestamptz, updated_at timestamptz
)
LANGUAGE plpgsql VOLATILE
SET plan_cache_mode = force_generic_plan
AS $$
#variable_conflict use_column
DECLARE
  current_fingerprint text;
BEGIN
  PERFORM budget_sync_lock_reservation(p_group_class, p_group, p_key_class, p_key_lock);
  IF p_key IS NOT NULL THEN
    RETURN QUERY
      SELECT 'replay'::text, r.id, r.line_id, r.line_ids, r.status, r.amount::text, r.reserved::text, r.committed::text, r.actual::text,
             r.currency::text, r.reference, r.description, r.request_hash, r.response, r.created_at, r.updated_at
        FROM reservations r WHERE r.org_id = p_org AND r.idempotency_key = p_key;
    IF FOUND THEN
      RETURN;
    END IF;
  END IF;
  SELECT e.fingerprint INTO current_fingerprint
    FROM budget_sync_evaluate(ARRAY[p_org], p_departments, p_categories, p_projects, p_terms, p_dates, p_ends) e;
  IF current_fingerprint IS DISTINCT FROM p_fingerprint THEN
    RETURN QUERY SELECT 'stale'::text, NULL::uuid, NULL::uuid, NULL::uuid[], NULL::text, NULL::text, NULL::text, NULL::text, NULL::text,
                        NULL::text, NULL::text, NULL::text, NULL::text, NULL::jsonb, NULL::timestamptz, NULL::timestamptz;
    RETURN;
  END IF;
  RETURN QUERY
    SELECT 'reserved'::text, r.id, r.line_id, r.line_ids, r.status, r.amount::text, r.reserved::text, r.committed::text, r.actual::text,
           r.currency::text, r.reference, r.description, r.request_hash, r.response, r.created_at, r.updated_at
      FROM budget_sync_reserve(p_org, p_line, p_line_ids, p_amount, p_currency, p_reference, p_description, p_key, p_hash, p_response, p_actor) r;
END;
$$;
--> statement-breakpoint
-- The threshold events (0004) name the line with its dimensions and direction too.
CREATE OR REPLACE FUNCTION budget_sync_threshold_events(p_line uuid, p_reserved numeric, p_committed numeric, p_actual numeric,
                                             p_delta numeric, p_cause text, p_reservation uuid)
RETURNS TABLE (org_id uuid, event text, payload jsonb)
LANGUAGE sql STABLE
AS $$
  SELECT b.org_id, 'budget.threshold_crossed'::text, jsonb_build_object(
           'threshold', th.pct, 'cause', p_cause, 'reservationId', p_reservation,
           'line', jsonb_build_object('id', b.id, 'department', b.department, 'category', b.category, 'project', b.project,
                                      'period', b.period, 'fiscalYear', b.fiscal_year, 'currency', b.currency,
                                      'dimensions', b.dimensions, 'direction', b.direction),
           'budget', b.amount::text, 'consumed', (p_reserved + p_committed + p_actual)::text,
           'reserved', p_reserved::text, 'committed', p_committed::text, 'actual', p_actual::text,
           'utilizationPercent', round((p_reserved + p_committed + p_actual) * 100 / b.amount, 2)::text)
    FROM budget_lines b
    JOIN org_webhooks w ON w.org_id = b.org_id AND w.enabled
   CROSS JOIN LATERAL unnest(w.thresholds) AS th(pct)
   WHERE b.id = p_line AND b.amount > 0
     AND (p_reserved + p_committed + p_actual - p_delta) * 100 < th.pct * b.amount
     AND (p_reserved + p_committed + p_actual) * 100 >= th.pct * b.amount
$$;
