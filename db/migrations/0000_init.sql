CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "budget_lines" (
	"id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"department" text NOT NULL,
	"category" text NOT NULL,
	"project" text,
	"period" text NOT NULL,
	"period_start" date NOT NULL,
	"period_end" date NOT NULL,
	"fiscal_year" integer NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"currency" char(3) NOT NULL,
	"owner" text,
	"notes" text,
	"version" integer DEFAULT 1 NOT NULL,
	"last_import_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "control_overrides" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"department" text,
	"category" text,
	"control_level" text,
	"tolerance_percent" numeric(7, 4),
	"tolerance_amount" numeric(18, 2),
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "data_sources" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"name" text NOT NULL,
	"type" text NOT NULL,
	"config" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"secret_ciphertext" "bytea",
	"secret_key_id" text,
	"schedule" text,
	"timezone" text DEFAULT 'UTC' NOT NULL,
	"mode" text DEFAULT 'merge' NOT NULL,
	"after_import" text DEFAULT 'leave' NOT NULL,
	"enabled" boolean DEFAULT true NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "import_files" (
	"import_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"content_gzip" "bytea" NOT NULL,
	"size" integer NOT NULL,
	"expires_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "import_history" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"actor" text NOT NULL,
	"source" text NOT NULL,
	"source_id" uuid,
	"file_name" text NOT NULL,
	"sha256" text NOT NULL,
	"kind" text NOT NULL,
	"override_kind_reason" text,
	"mode" text NOT NULL,
	"status" text NOT NULL,
	"reason" text,
	"inserted" integer DEFAULT 0 NOT NULL,
	"updated" integer DEFAULT 0 NOT NULL,
	"unchanged" integer DEFAULT 0 NOT NULL,
	"removed" integer DEFAULT 0 NOT NULL,
	"issues" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"analysis" jsonb,
	"duration_ms" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"reverted_at" timestamp with time zone,
	"reverted_by" text
);
--> statement-breakpoint
CREATE TABLE "line_consumption" (
	"line_id" uuid PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"reserved" numeric(18, 2) DEFAULT '0' NOT NULL,
	"committed" numeric(18, 2) DEFAULT '0' NOT NULL,
	"actual" numeric(18, 2) DEFAULT '0' NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "line_versions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"line_id" uuid NOT NULL,
	"import_id" uuid NOT NULL,
	"change" text NOT NULL,
	"version" integer NOT NULL,
	"amount_before" numeric(18, 2),
	"amount_after" numeric(18, 2),
	"currency_before" char(3),
	"currency_after" char(3),
	"owner_before" text,
	"owner_after" text,
	"notes_before" text,
	"notes_after" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"base_currency" char(3) DEFAULT 'USD' NOT NULL,
	"fiscal_year_start_month" smallint DEFAULT 1 NOT NULL,
	"control_level" text DEFAULT 'block' NOT NULL,
	"tolerance_percent" numeric(7, 4) DEFAULT '0' NOT NULL,
	"tolerance_amount" numeric(18, 2) DEFAULT '0' NOT NULL,
	"missing_budget" text DEFAULT 'fail' NOT NULL,
	"control_basis" text DEFAULT 'period' NOT NULL,
	"file_retention_days" integer DEFAULT 7 NOT NULL,
	"is_demo" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "remembered_mappings" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"source_id" uuid,
	"header" text NOT NULL,
	"field" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "reservations" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"org_id" uuid NOT NULL,
	"line_id" uuid,
	"status" text NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"reserved" numeric(18, 2) DEFAULT '0' NOT NULL,
	"committed" numeric(18, 2) DEFAULT '0' NOT NULL,
	"actual" numeric(18, 2) DEFAULT '0' NOT NULL,
	"currency" char(3) NOT NULL,
	"reference" text,
	"description" text,
	"idempotency_key" text,
	"request_hash" text,
	"response" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "utilization_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" uuid NOT NULL,
	"line_id" uuid NOT NULL,
	"reservation_id" uuid,
	"entry_type" text NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"actor" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "budget_lines" ADD CONSTRAINT "budget_lines_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "control_overrides" ADD CONSTRAINT "control_overrides_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "data_sources" ADD CONSTRAINT "data_sources_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_files" ADD CONSTRAINT "import_files_import_id_import_history_id_fk" FOREIGN KEY ("import_id") REFERENCES "public"."import_history"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "import_history" ADD CONSTRAINT "import_history_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "line_consumption" ADD CONSTRAINT "line_consumption_line_id_budget_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."budget_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remembered_mappings" ADD CONSTRAINT "remembered_mappings_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "remembered_mappings" ADD CONSTRAINT "remembered_mappings_source_id_data_sources_id_fk" FOREIGN KEY ("source_id") REFERENCES "public"."data_sources"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "reservations" ADD CONSTRAINT "reservations_line_id_budget_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."budget_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilization_entries" ADD CONSTRAINT "utilization_entries_line_id_budget_lines_id_fk" FOREIGN KEY ("line_id") REFERENCES "public"."budget_lines"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "utilization_entries" ADD CONSTRAINT "utilization_entries_reservation_id_reservations_id_fk" FOREIGN KEY ("reservation_id") REFERENCES "public"."reservations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash" ON "api_keys" USING btree ("hash");--> statement-breakpoint
CREATE INDEX "api_keys_org" ON "api_keys" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "budget_lines_natural_key" ON "budget_lines" USING btree ("org_id",lower("department"),lower("category"),lower(coalesce("project", '')),"period") WHERE "budget_lines"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX "budget_lines_scope" ON "budget_lines" USING btree ("org_id","fiscal_year","department");--> statement-breakpoint
CREATE UNIQUE INDEX "control_overrides_scope" ON "control_overrides" USING btree ("org_id",coalesce("department", ''),coalesce("category", ''));--> statement-breakpoint
CREATE INDEX "data_sources_org" ON "data_sources" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "import_files_expires" ON "import_files" USING btree ("expires_at");--> statement-breakpoint
CREATE INDEX "import_history_org_created" ON "import_history" USING btree ("org_id","created_at");--> statement-breakpoint
CREATE INDEX "line_versions_import" ON "line_versions" USING btree ("import_id");--> statement-breakpoint
CREATE INDEX "line_versions_line" ON "line_versions" USING btree ("line_id");--> statement-breakpoint
CREATE UNIQUE INDEX "remembered_mappings_key" ON "remembered_mappings" USING btree ("org_id",coalesce("source_id"::text, ''),"header");--> statement-breakpoint
CREATE UNIQUE INDEX "reservations_idempotency" ON "reservations" USING btree ("org_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "reservations_line" ON "reservations" USING btree ("line_id");--> statement-breakpoint
CREATE INDEX "utilization_entries_line" ON "utilization_entries" USING btree ("line_id");