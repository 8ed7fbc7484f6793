-- line_versions is keyed by (line_id, version) instead of a bigserial id: a line's version numbers are
-- unique (every change increments the line's version and writes one row), so a large import no longer
-- draws a sequence value per row, and the key also serves "this line's versions" (line_versions_line).
-- The old primary key goes with its column, before the new one is added.
ALTER TABLE "line_versions" DROP COLUMN "id";--> statement-breakpoint
DROP INDEX "line_versions_line";--> statement-breakpoint
ALTER TABLE "line_versions" ADD CONSTRAINT "line_versions_line_id_version_pk" PRIMARY KEY("line_id","version");
