CREATE TABLE "card_redraws" (
	"item_id" bigint PRIMARY KEY NOT NULL,
	"queued_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "card_redraws" ADD CONSTRAINT "card_redraws_item_id_items_id_fk" FOREIGN KEY ("item_id") REFERENCES "public"."items"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "card_redraws_queued" ON "card_redraws" USING btree ("queued_at","item_id");