-- Hierarchical reservation locks (db/src/budget/reservations.ts reservationGroup). The group is
-- [org, department] for a roll-up without a category, or [org, department, category, project] for a
-- request that names a category. The department's lock (class p_group_class, keyed by [org, department]
-- lower-cased, whichever form came in) is taken exclusive by a roll-up and shared by a category request,
-- which then takes its group's lock (class p_group_class + 3) exclusive. So a roll-up serializes with
-- every request of its department, two requests on one department × category × project serialize, and
-- requests on different groups of one department run side by side. The order (key, department, group,
-- structure) is the same for every reservation: no cycle.
CREATE OR REPLACE FUNCTION budget_sync_lock_reservation(p_group_class int, p_group text, p_key_class int, p_key_lock text)
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
  g json := p_group::json;
  department_key int := hashtext(lower(json_build_array(g->>0, g->>1)::text));
BEGIN
  IF p_key_lock IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(p_key_class, hashtext(p_key_lock));
  END IF;
  IF json_array_length(g) > 2 THEN
    PERFORM pg_advisory_xact_lock_shared(p_group_class, department_key);
    PERFORM pg_advisory_xact_lock(p_group_class + 3, hashtext(lower(p_group)));
  ELSE
    PERFORM pg_advisory_xact_lock(p_group_class, department_key);
  END IF;
  PERFORM budget_sync_lock_structure((g->>0)::uuid, false);
END;
$$;
