-- The utilization ledger and the line version history are append-only: corrections are new entries,
-- never edits, so every figure can be traced to the entries that made it.
CREATE FUNCTION budget_sync_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % is not allowed', TG_TABLE_NAME, TG_OP USING ERRCODE = 'restrict_violation';
END;
$$;--> statement-breakpoint
CREATE TRIGGER utilization_entries_append_only BEFORE UPDATE OR DELETE ON utilization_entries
  FOR EACH ROW EXECUTE FUNCTION budget_sync_refuse_change();--> statement-breakpoint
CREATE TRIGGER line_versions_append_only BEFORE UPDATE OR DELETE ON line_versions
  FOR EACH ROW EXECUTE FUNCTION budget_sync_refuse_change();
