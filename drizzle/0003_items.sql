CREATE TABLE "item_cards" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"item_id" bigint NOT NULL,
	"audience" text NOT NULL,
	"variant" text NOT NULL,
	"unit_code" text,
	"send_key" text NOT NULL,
	"version" integer NOT NULL,
	"sent_at" timestamp with time zone NOT NULL,
	"moved_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "item_units" (
	"item_id" bigint NOT NULL,
	"unit_code" text NOT NULL,
	"role" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"since" timestamp with time zone NOT NULL,
	CONSTRAINT "item_units_item_id_unit_code_role_pk" PRIMARY KEY("item_id","unit_code","role")
);
--> statement-breakpoint
CREATE TABLE "items" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"ref" text NOT NULL,
	"title" text NOT NULL,
	"summary" text,
	"source" text,
	"url" text,
	"url_key" text,
	"posted_at" timestamp with time zone,
	"discovered_at" timestamp with time zone NOT NULL,
	"registered_at" timestamp with time zone NOT NULL,
	"registered_by" text NOT NULL,
	"spread" jsonb,
	"propagation_path" text,
	"comment_situation" text,
	"netizen_views" text,
	"category" text NOT NULL,
	"level" text NOT NULL,
	"kind" text NOT NULL,
	"state" text NOT NULL,
	"drill" boolean DEFAULT false NOT NULL,
	"routing_note" text,
	"version" integer DEFAULT 1 NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ref_counters" (
	"local_date" text PRIMARY KEY NOT NULL,
	"last" integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE "item_cards" ADD CONSTRAINT "item_cards_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_units" ADD CONSTRAINT "item_units_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "item_units" ADD CONSTRAINT "item_units_unit_code_units_code_fk" FOREIGN KEY ("unit_code") REFERENCES "public"."units"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "item_cards_live" ON "item_cards" USING btree ("item_id","audience") WHERE "item_cards"."moved_at" is null;--> statement-breakpoint
CREATE INDEX "item_cards_item" ON "item_cards" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "item_units_unit" ON "item_units" USING btree ("unit_code");--> statement-breakpoint
CREATE UNIQUE INDEX "items_ref" ON "items" USING btree ("ref");--> statement-breakpoint
CREATE INDEX "items_url_key" ON "items" USING btree ("url_key");--> statement-breakpoint
CREATE INDEX "items_state" ON "items" USING btree ("state");