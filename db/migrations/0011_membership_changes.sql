-- The history of people (DESIGN §2 "Every change records the person or key that made it", issue 15): one
-- row per change of a membership — a person added, their role or departments changed, or removed — with
-- who made it (a person's email, a key's name, or the CLI's actor) and the role and departments before
-- and after. Rows are written in the transaction that makes the change; the email is kept as it was, so
-- the record stays readable after the person leaves. `id` orders the changes (several in one transaction
-- share created_at).
CREATE TABLE "membership_changes" (
	"id" bigint PRIMARY KEY GENERATED ALWAYS AS IDENTITY NOT NULL,
	"org_id" uuid NOT NULL,
	"user_id" uuid NOT NULL,
	"email" text NOT NULL,
	"action" text NOT NULL,
	"role_before" text,
	"role_after" text,
	"departments_before" text[],
	"departments_after" text[],
	"actor" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "membership_changes_action" CHECK ("action" IN ('added', 'changed', 'removed'))
);
--> statement-breakpoint
ALTER TABLE "membership_changes" ADD CONSTRAINT "membership_changes_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "membership_changes" ADD CONSTRAINT "membership_changes_user_id_users_id_fk" FOREIGN KEY ("user_id") REFERENCES "public"."users"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "membership_changes_org" ON "membership_changes" USING btree ("org_id","id");
