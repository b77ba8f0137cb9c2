CREATE TABLE "sandbox_chats" (
	"chat_id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"owner" text,
	"members" text[] NOT NULL,
	"create_uuid" text,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_messages" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"message_id" text NOT NULL,
	"chat_id" text NOT NULL,
	"sender_kind" text NOT NULL,
	"sender_open_id" text,
	"msg_type" text NOT NULL,
	"content" jsonb NOT NULL,
	"reply_to" text,
	"uuid" text,
	"urgent_for" text[] NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"updated_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sandbox_state" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "sandbox_messages_id" ON "sandbox_messages" USING btree ("message_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sandbox_messages_uuid" ON "sandbox_messages" USING btree ("uuid");--> statement-breakpoint
CREATE INDEX "sandbox_messages_chat" ON "sandbox_messages" USING btree ("chat_id","id");