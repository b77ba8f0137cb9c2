CREATE TABLE "assessment_links" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"assessment_id" bigint NOT NULL,
	"item_id" bigint NOT NULL,
	"keyword" text NOT NULL,
	"linked_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "assessments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"unit_code" text NOT NULL,
	"created_by" text NOT NULL,
	"name" text NOT NULL,
	"release_date" date NOT NULL,
	"affected_groups" text,
	"risk_level" text NOT NULL,
	"risks" text,
	"plan" text,
	"wording" text,
	"keywords" jsonb NOT NULL,
	"drill" boolean DEFAULT false NOT NULL,
	"state" text DEFAULT 'draft' NOT NULL,
	"approval_requested_by" text,
	"approved_by" text,
	"approved_at" timestamp with time zone,
	"return_comment" text,
	"reminded_for" date,
	"cards" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "assessment_links" ADD CONSTRAINT "assessment_links_assessment_id_assessments_id_fk" FOREIGN KEY ("assessment_id") REFERENCES "public"."assessments"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "assessment_links" ADD CONSTRAINT "assessment_links_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "assessment_links_pair" ON "assessment_links" USING btree ("assessment_id","item_id");--> statement-breakpoint
CREATE INDEX "assessment_links_item" ON "assessment_links" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "assessments_release" ON "assessments" USING btree ("release_date");--> statement-breakpoint
CREATE INDEX "assessments_unit" ON "assessments" USING btree ("unit_code","created_at");