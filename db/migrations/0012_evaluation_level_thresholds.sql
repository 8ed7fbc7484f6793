-- The budget evaluation in two steps (issue 12: the check's throughput), and threshold events for
-- roll-up reservations (issue 12: a reservation held on no single line crossed no threshold).
--
-- budget_sync_evaluate (0008 explains what it decides) had one plan for every request: some forty nodes
-- re-run per request (the lines of the level, those within the period, the coarsest of them, the first
-- one's currency and year, the basis, the figures), and planned as one statement whose start-up alone cost
-- more than a request. Most requests are the direct case: the org's basis is `period`, and the lines the
-- request names that lie within its period are all of one granularity, fiscal year and currency (a month
-- asked of month lines, a quarter of its months, a department's month over all its categories), or, for
-- a date, the month lines covering that day. Then the lines it draws on are exactly those lines and the
-- basis is those lines, so one pass over them answers it: the first statement below evaluates every
-- request of the batch that is direct, with the same columns, values and fingerprint as the full
-- evaluation. Only when some request is not direct (no line within the period: a month of a quarter
-- line; several granularities, years or currencies; the `ytd` or `annual` basis; an unknown org) does
-- the second statement run: the full evaluation of 0008, for the requests that are not direct (it tests
-- the same condition on its own lines). Both statements read the snapshot of the calling statement (the
-- function is STABLE), so a request gets exactly one row. Budget lines are months, quarters or years: a
-- date lies within none of them, so for a date the full evaluation takes the narrowest line covering it,
-- which is the month line when there is one.
--
-- The period travels in fewer values: p_slots is where a request's dates start in p_dates and p_ends;
-- when p_per_start is true they are twelve, one per fiscal-year start month (a quarter or a fiscal year),
-- else one (a month or a date, the same whatever month the year starts in). p_fingerprints says which
-- requests need the fingerprint (a reservation's fast path does; a check does not).
DROP FUNCTION budget_sync_reserve_checked(int, text, int, text, text[], text[], text[], text[], date[], date[], text, uuid, uuid, uuid[], numeric, text, text, text, text, text, jsonb, text);--> statement-breakpoint
DROP FUNCTION budget_sync_evaluate(uuid[], text[], text[], text[], text[], date[], date[]);--> statement-breakpoint
CREATE FUNCTION budget_sync_evaluate(p_orgs uuid[], p_departments text[], p_categories text[], p_projects text[], p_terms text[],
                                     p_slots int[], p_per_start boolean[], p_dates date[], p_ends date[], p_fingerprints boolean[])
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
DECLARE
  answered bigint;
BEGIN
  -- The direct case: `w` aggregates the lines the request draws on in one pass; the row is returned only
  -- when they are the whole answer (basis `period`; at least one line; one granularity, fiscal year and
  -- currency among them). The expressions are those of the full evaluation below, so the row (and its
  -- md5) is the one the full evaluation gives.
  RETURN QUERY
  SELECT q.ord::int, e.*, CASE WHEN q.fingerprint THEN md5(e::text) END
    FROM unnest(p_orgs, p_departments, p_categories, p_projects, p_terms, p_slots, p_per_start, p_fingerprints)
         WITH ORDINALITY AS q(org_id, department, category, project, terms, slot, per_start, fingerprint, ord)
    JOIN organizations o ON o.id = q.org_id
   CROSS JOIN LATERAL (
    SELECT p_dates[q.slot + CASE WHEN q.per_start THEN o.fiscal_year_start_month - 1 ELSE 0 END] AS at,
           p_ends[q.slot + CASE WHEN q.per_start THEN o.fiscal_year_start_month - 1 ELSE 0 END] AS until
   ) k
   CROSS JOIN LATERAL (
    SELECT o.base_currency::text, o.control_level, o.tolerance_percent::text, o.tolerance_amount::text, o.missing_budget,
           o.control_basis, o.fiscal_year_start_month::int,
           CASE WHEN w.n = 1 THEN w.unsorted[1] END, CASE WHEN w.period = w.period_max THEN w.period END,
           w.fiscal_year, w.currency::text, w.department,
           CASE WHEN w.category_key = w.category_key_max THEN w.category END,
           CASE WHEN w.project_key = w.project_key_max THEN w.project END,
           w.n, s.ids, w.budget::text,
           (g.reserved + v.reserved)::text, (g.committed + v.committed)::text, (g.actual + v.actual)::text,
           (SELECT coalesce(json_agg(json_build_object(
                     'department', ov.department, 'category', ov.category, 'controlLevel', ov.control_level,
                     'tolerancePercent', ov.tolerance_percent::text, 'toleranceAmount', ov.tolerance_amount::text) ORDER BY ov.id), '[]'::json)
              FROM control_overrides ov
             WHERE ov.org_id = q.org_id AND (ov.department IS NULL OR lower(ov.department) = lower(q.department))
               AND (ov.category IS NULL OR lower(ov.category) = lower(q.category)))
      FROM (
        SELECT count(*)::int AS n, array_agg(m.id) AS unsorted, sum(m.amount) AS budget,
               min(m.period) AS period, max(m.period) AS period_max, min(m.department) AS department,
               min(m.category) AS category, min(lower(m.category)) AS category_key, max(lower(m.category)) AS category_key_max,
               min(m.project) AS project, min(lower(coalesce(m.project, ''))) AS project_key,
               max(lower(coalesce(m.project, ''))) AS project_key_max,
               min(m.fiscal_year) AS fiscal_year, max(m.fiscal_year) AS fiscal_year_max,
               min(m.currency) AS currency, max(m.currency) AS currency_max, min(m.grain) AS grain, max(m.grain) AS grain_max
          FROM (
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
          ) m
         WHERE CASE WHEN k.at = k.until THEN m.period_start <= k.at AND m.period_end >= k.at AND m.grain = 1
                    ELSE m.period_start >= k.at AND m.period_end <= k.until END
      ) w
     -- Sorted as the full evaluation sorts them; one line needs no sort.
     CROSS JOIN LATERAL (
       SELECT CASE WHEN w.n = 1 THEN w.unsorted ELSE ARRAY(SELECT x FROM unnest(w.unsorted) AS x ORDER BY x) END AS ids
     ) s
     CROSS JOIN LATERAL (
       SELECT coalesce(sum(c.reserved), 0.00) AS reserved, coalesce(sum(c.committed), 0.00) AS committed,
              coalesce(sum(c.actual), 0.00) AS actual
         FROM line_consumption c WHERE c.line_id = ANY (w.unsorted)
     ) g
     CROSS JOIN LATERAL (
       SELECT coalesce(sum(r.reserved), 0.00) AS reserved, coalesce(sum(r.committed), 0.00) AS committed,
              coalesce(sum(r.actual), 0.00) AS actual
         FROM reservations r
        WHERE r.line_id IS NULL AND r.line_ids IS NOT NULL AND r.line_ids && w.unsorted
     ) v
    WHERE o.control_basis = 'period' AND w.n > 0 AND w.grain = w.grain_max AND w.fiscal_year = w.fiscal_year_max
      AND w.currency = w.currency_max
    -- Kept a subquery (not merged into the outer one), so that md5(e::text) digests the row it returns
    -- instead of evaluating every column a second time.
    OFFSET 0
   ) e;
  GET DIAGNOSTICS answered = ROW_COUNT;
  IF answered >= cardinality(p_orgs) THEN
    RETURN;
  END IF;
  -- The full evaluation (0008) of the other requests: `d` is the direct case's condition on the same lines.
  RETURN QUERY
  SELECT q.ord::int, e.*, CASE WHEN q.fingerprint THEN md5(e::text) END
    FROM unnest(p_orgs, p_departments, p_categories, p_projects, p_terms, p_slots, p_per_start, p_fingerprints)
         WITH ORDINALITY AS q(org_id, department, category, project, terms, slot, per_start, fingerprint, ord)
   CROSS JOIN LATERAL (
    WITH o AS (
      SELECT o0.id, o0.base_currency, o0.control_level, o0.tolerance_percent, o0.tolerance_amount, o0.missing_budget,
             o0.control_basis, o0.fiscal_year_start_month,
             p_dates[q.slot + CASE WHEN q.per_start THEN o0.fiscal_year_start_month - 1 ELSE 0 END] AS at,
             p_ends[q.slot + CASE WHEN q.per_start THEN o0.fiscal_year_start_month - 1 ELSE 0 END] AS until
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
    ), d AS (
      SELECT o.control_basis = 'period' AND count(*) > 0 AND min(m.grain) = max(m.grain)
             AND min(m.fiscal_year) = max(m.fiscal_year) AND min(m.currency) = max(m.currency) AS direct
        FROM o, m
       WHERE CASE WHEN o.at = o.until THEN m.period_start <= o.at AND m.period_end >= o.at AND m.grain = 1
                  ELSE m.period_start >= o.at AND m.period_end <= o.until END
       GROUP BY o.control_basis
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
     WHERE NOT coalesce((SELECT d.direct FROM d), false)
   ) e;
END;
$$;
--> statement-breakpoint
-- The threshold events of a roll-up level (issue 12): a reservation held on no single line (line_ids,
-- 0008) consumes its level's money, not any one line's, so the crossing is the level's. Its budget is the
-- sum of its live lines; its consumption is what a check at that level counts: the lines' own totals plus
-- every roll-up reservation whose lines intersect them — p_reserved, p_committed, p_actual being this
-- reservation's figures after the change (its row is left out of the sum, so that the caller may call
-- this before or after writing it) — and p_delta what the change added. One event per threshold crossed
-- upwards, with `line` null and `level` naming the level (its names and period from the reservation's
-- stored request, p_stored; its year, currency and lines from the lines). Orgs without an enabled webhook
-- get no row and read nothing.
CREATE FUNCTION budget_sync_level_threshold_events(p_org uuid, p_line_ids uuid[], p_stored jsonb, p_reservation uuid,
                                                   p_reserved numeric, p_committed numeric, p_actual numeric, p_delta numeric, p_cause text)
RETURNS TABLE (org_id uuid, event text, payload jsonb)
LANGUAGE sql STABLE
AS $$
  SELECT w.org_id, 'budget.threshold_crossed'::text, jsonb_build_object(
           'threshold', th.pct, 'cause', p_cause, 'reservationId', p_reservation,
           'line', NULL,
           'level', jsonb_build_object('department', p_stored->'department', 'category', p_stored->'category',
                                       'project', p_stored->'project', 'dimensions', coalesce(p_stored->'dimensions', '{}'::jsonb),
                                       'period', p_stored->'period', 'fiscalYear', f.fiscal_year, 'currency', f.currency,
                                       'lines', f.n, 'lineIds', to_jsonb(f.ids)),
           'budget', f.budget::text, 'consumed', (f.reserved + f.committed + f.actual)::text,
           'reserved', f.reserved::text, 'committed', f.committed::text, 'actual', f.actual::text,
           'utilizationPercent', round((f.reserved + f.committed + f.actual) * 100 / f.budget, 2)::text)
    FROM org_webhooks w
   CROSS JOIN LATERAL (
     SELECT l.budget, l.n, l.ids, l.fiscal_year, l.currency,
            l.reserved + r.reserved + p_reserved AS reserved, l.committed + r.committed + p_committed AS committed,
            l.actual + r.actual + p_actual AS actual
       FROM (
         SELECT sum(b.amount) AS budget, count(*)::int AS n, array_agg(b.id ORDER BY b.id) AS ids,
                min(b.fiscal_year) AS fiscal_year, min(b.currency)::text AS currency,
                coalesce(sum(c.reserved), 0.00) AS reserved, coalesce(sum(c.committed), 0.00) AS committed,
                coalesce(sum(c.actual), 0.00) AS actual
           FROM budget_lines b LEFT JOIN line_consumption c ON c.line_id = b.id
          WHERE b.id = ANY (p_line_ids) AND b.org_id = p_org AND b.deleted_at IS NULL
       ) l,
       (
         SELECT coalesce(sum(x.reserved), 0.00) AS reserved, coalesce(sum(x.committed), 0.00) AS committed,
                coalesce(sum(x.actual), 0.00) AS actual
           FROM reservations x
          WHERE x.line_id IS NULL AND x.line_ids IS NOT NULL AND x.line_ids && p_line_ids AND x.id <> p_reservation
       ) r
   ) f
   CROSS JOIN LATERAL unnest(w.thresholds) AS th(pct)
   WHERE w.org_id = p_org AND w.enabled AND f.budget > 0
     AND (f.reserved + f.committed + f.actual - p_delta) * 100 < th.pct * f.budget
     AND (f.reserved + f.committed + f.actual) * 100 >= th.pct * f.budget
$$;
--> statement-breakpoint
-- The reserving write (0008), which now records a roll-up reservation's threshold events too, and looks
-- for the org's webhook before it writes any (most orgs have none).
CREATE OR REPLACE FUNCTION budget_sync_reserve(p_org uuid, p_line uuid, p_line_ids uuid[], p_amount numeric, p_currency text, p_reference text,
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
  END IF;
  -- Threshold events only for an org with a webhook: the lookup costs less than the insert it saves.
  IF (p_line IS NOT NULL OR r.line_ids IS NOT NULL) AND EXISTS (SELECT 1 FROM org_webhooks w WHERE w.org_id = p_org AND w.enabled) THEN
    IF p_line IS NOT NULL THEN
      INSERT INTO outbox (org_id, event, payload)
      SELECT t.org_id, t.event, t.payload
        FROM budget_sync_threshold_events(p_line, c.reserved, c.committed, c.actual, p_amount, 'reservation', r.id) AS t;
    ELSE
      INSERT INTO outbox (org_id, event, payload)
      SELECT t.org_id, t.event, t.payload
        FROM budget_sync_level_threshold_events(p_org, r.line_ids, p_response, r.id, p_amount, 0.00, 0.00, p_amount, 'reservation') AS t;
    END IF;
  END IF;
  RETURN NEXT r;
END;
$$;
--> statement-breakpoint
-- The one-statement reservation (0008) with the evaluation's new arguments: the request's period in
-- p_slots, p_per_start, p_dates and p_ends (budget_sync_evaluate above), and its fingerprint asked for.
CREATE FUNCTION budget_sync_reserve_checked(
  p_group_class int, p_group text, p_key_class int, p_key_lock text,
  p_departments text[], p_categories text[], p_projects text[], p_terms text[], p_slots int[], p_per_start boolean[],
  p_dates date[], p_ends date[], p_fingerprint text,
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
    FROM budget_sync_evaluate(ARRAY[p_org], p_departments, p_categories, p_projects, p_terms, p_slots, p_per_start, p_dates, p_ends,
                              ARRAY[true]) e;
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
