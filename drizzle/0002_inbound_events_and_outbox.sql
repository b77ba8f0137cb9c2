CREATE TABLE "inbound_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"event_id" text NOT NULL,
	"message_id" text,
	"event_type" text NOT NULL,
	"received_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"key" text NOT NULL,
	"kind" text NOT NULL,
	"lane" text NOT NULL,
	"target" jsonb NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp with time zone NOT NULL,
	"claimed_until" timestamp with time zone,
	"sent_at" timestamp with time zone,
	"dead_at" timestamp with time zone,
	"result" jsonb,
	"last_error" text
);
--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_event_id" ON "inbound_events" USING btree ("event_id");--> statement-breakpoint
CREATE UNIQUE INDEX "inbound_message_id" ON "inbound_events" USING btree ("message_id") WHERE "inbound_events"."message_id" is not null;--> statement-breakpoint
CREATE INDEX "inbound_received" ON "inbound_events" USING btree ("received_at");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_key" ON "outbox" USING btree ("key");--> statement-breakpoint
CREATE INDEX "outbox_open_lane" ON "outbox" USING btree ("lane","id") WHERE "outbox"."sent_at" is null and "outbox"."dead_at" is null;