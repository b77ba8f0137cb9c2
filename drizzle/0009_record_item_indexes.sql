CREATE INDEX "consultations_item" ON "consultations" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "disputes_item" ON "disputes" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "handovers_item" ON "handovers" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "instructions_item" ON "instructions" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "media_contacts_item" ON "media_contacts" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "rectifications_item" ON "rectifications" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "verifications_item" ON "verifications" USING btree ("item_id");--> statement-breakpoint
CREATE INDEX "extensions_item" ON "extensions" USING btree ("item_id");