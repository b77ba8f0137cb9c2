CREATE TABLE "leads" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"channel" text NOT NULL,
	"reporter" text NOT NULL,
	"unit_code" text,
	"title" text NOT NULL,
	"fields" jsonb NOT NULL,
	"url" text,
	"url_key" text,
	"status" text DEFAULT 'open' NOT NULL,
	"reported_at" timestamp with time zone NOT NULL,
	"pushes" integer DEFAULT 1 NOT NULL,
	"last_pushed_at" timestamp with time zone NOT NULL,
	"handled_by" text,
	"handled_at" timestamp with time zone,
	"reason" text,
	"item_id" bigint,
	"escalated_at" timestamp with time zone,
	"cards" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "leads" ADD CONSTRAINT "leads_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "leads_open" ON "leads" USING btree ("status","reported_at");--> statement-breakpoint
CREATE INDEX "leads_url_key" ON "leads" USING btree ("url_key");--> statement-breakpoint
CREATE INDEX "leads_unit" ON "leads" USING btree ("unit_code","reported_at");--> statement-breakpoint
CREATE INDEX "leads_item" ON "leads" USING btree ("item_id");