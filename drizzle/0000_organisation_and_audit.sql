CREATE TABLE "chat_bindings" (
	"unit_code" text PRIMARY KEY NOT NULL,
	"chat_id" text,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "keyword_rules" (
	"unit_code" text NOT NULL,
	"keyword" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "keyword_rules_unit_code_keyword_pk" PRIMARY KEY("unit_code","keyword")
);
--> statement-breakpoint
CREATE TABLE "memberships" (
	"unit_code" text NOT NULL,
	"person_key" text NOT NULL,
	"role" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "memberships_unit_code_person_key_role_pk" PRIMARY KEY("unit_code","person_key","role")
);
--> statement-breakpoint
CREATE TABLE "org_state" (
	"id" text PRIMARY KEY NOT NULL,
	"timezone" text NOT NULL,
	"policy" jsonb NOT NULL,
	"source_path" text NOT NULL,
	"source_hash" text NOT NULL,
	"synced_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "oversight" (
	"leader_key" text NOT NULL,
	"unit_code" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "oversight_leader_key_unit_code_pk" PRIMARY KEY("leader_key","unit_code")
);
--> statement-breakpoint
CREATE TABLE "people" (
	"key" text PRIMARY KEY NOT NULL,
	"open_id" text,
	"name" text NOT NULL,
	"is_admin" boolean DEFAULT false NOT NULL,
	"is_county_leader" boolean DEFAULT false NOT NULL,
	"managed_by_file" boolean DEFAULT true NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "people_open_id_unique" UNIQUE("open_id")
);
--> statement-breakpoint
CREATE TABLE "roster_overrides" (
	"unit_code" text NOT NULL,
	"person_key" text NOT NULL,
	"role" text NOT NULL,
	"present" boolean NOT NULL,
	"changed_by" text NOT NULL,
	"changed_at" timestamp with time zone NOT NULL,
	CONSTRAINT "roster_overrides_unit_code_person_key_role_pk" PRIMARY KEY("unit_code","person_key","role")
);
--> statement-breakpoint
CREATE TABLE "units" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"file_chat_id" text,
	"joint_meeting" boolean DEFAULT false NOT NULL,
	"rumour_handover" boolean DEFAULT false NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"actor" text NOT NULL,
	"action" text NOT NULL,
	"item_id" bigint,
	"subject" text,
	"before" jsonb,
	"after" jsonb
);
--> statement-breakpoint
CREATE TABLE "security_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"actor" text,
	"action" text,
	"reason" text NOT NULL,
	"detail" jsonb
);
--> statement-breakpoint
ALTER TABLE "chat_bindings" ADD CONSTRAINT "chat_bindings_unit_code_units_code_fk" FOREIGN KEY ("unit_code") REFERENCES "public"."units"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "keyword_rules" ADD CONSTRAINT "keyword_rules_unit_code_units_code_fk" FOREIGN KEY ("unit_code") REFERENCES "public"."units"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_unit_code_units_code_fk" FOREIGN KEY ("unit_code") REFERENCES "public"."units"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "memberships" ADD CONSTRAINT "memberships_person_key_people_key_fk" FOREIGN KEY ("person_key") REFERENCES "public"."people"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oversight" ADD CONSTRAINT "oversight_leader_key_people_key_fk" FOREIGN KEY ("leader_key") REFERENCES "public"."people"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "oversight" ADD CONSTRAINT "oversight_unit_code_units_code_fk" FOREIGN KEY ("unit_code") REFERENCES "public"."units"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_overrides" ADD CONSTRAINT "roster_overrides_unit_code_units_code_fk" FOREIGN KEY ("unit_code") REFERENCES "public"."units"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "roster_overrides" ADD CONSTRAINT "roster_overrides_person_key_people_key_fk" FOREIGN KEY ("person_key") REFERENCES "public"."people"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "memberships_person" ON "memberships" USING btree ("person_key");--> statement-breakpoint
CREATE INDEX "audit_item" ON "audit_log" USING btree ("item_id","at");--> statement-breakpoint
CREATE INDEX "audit_at" ON "audit_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "security_at" ON "security_events" USING btree ("at");