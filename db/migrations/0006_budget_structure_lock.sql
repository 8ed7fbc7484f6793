-- The org's budget-structure lock: what serializes reservations with the imports and reverts that change
-- an org's budget lines (issue 13). A transaction-level advisory lock on (7352103, hashtext(org id)):
-- reservations take it SHARED (they never wait for each other on it), imports and reverts take it
-- EXCLUSIVE before they read what is consumed. So an import or revert waits for the reservations in
-- flight and then reads their consumption under its lock (`budget.below_consumption`, revert conflicts),
-- and a reservation arriving meanwhile waits for it and is then evaluated on the new lines (the fast
-- path's fingerprint no longer matches: 'stale', and the locked path decides).
-- Lock order, the same everywhere so that nothing waits crosswise: a reservation takes its key's, its
-- group's, then this one (shared); an import or revert takes the org's import lock (7352026), then this
-- one (exclusive), and never a key's or a group's.
CREATE FUNCTION budget_sync_lock_structure(p_org uuid, p_exclusive boolean)
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  IF p_exclusive THEN
    PERFORM pg_advisory_xact_lock(7352103, hashtext(p_org::text));
  ELSE
    PERFORM pg_advisory_xact_lock_shared(7352103, hashtext(p_org::text));
  END IF;
END;
$$;
--> statement-breakpoint
-- budget_sync_lock_reservation (migration 0004) with the structure lock last. The org is the first
-- element of the group (reservations.ts builds it as JSON [org, department, category, project]), so both
-- paths — budget_sync_reserve_checked and the locked path's first round trip — keep calling it as before.
CREATE OR REPLACE FUNCTION budget_sync_lock_reservation(p_group_class int, p_group text, p_key_class int, p_key_lock text)
RETURNS void
LANGUAGE plpgsql VOLATILE
AS $$
BEGIN
  IF p_key_lock IS NOT NULL THEN
    PERFORM pg_advisory_xact_lock(p_key_class, hashtext(p_key_lock));
  END IF;
  PERFORM pg_advisory_xact_lock(p_group_class, hashtext(lower(p_group)));
  PERFORM budget_sync_lock_structure(((p_group::json)->>0)::uuid, false);
END;
$$;
