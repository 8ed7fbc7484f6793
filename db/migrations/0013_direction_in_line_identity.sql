-- A line's direction is part of its identity (DESIGN §2): an expense line and a revenue line of the same
-- department, category, project, dimensions and period are two lines (a department's parking fees earned
-- and its parking costs; a two-sided budget whose row has an amount on each side), as the analysis and the
-- import plan count them. Every stored set of lines that was unique without the direction stays unique.
DROP INDEX "budget_lines_natural_key";--> statement-breakpoint
CREATE UNIQUE INDEX "budget_lines_natural_key" ON "budget_lines" USING btree ("org_id",lower("department"),lower("category"),lower(coalesce("project", '')),"dim_key","direction","period") WHERE "budget_lines"."deleted_at" is null;
