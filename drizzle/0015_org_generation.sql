-- The organisation as the bot reads it (units, people, memberships, oversight, chat bindings,
-- roster edits) changes rarely and is read many times by every click. The app keeps one copy per
-- process and checks it against this counter, one small read per transaction instead of ~18.
-- Every statement that writes one of those tables sets the counter to a new value from a
-- sequence; a sequence never hands a value out twice, even when the writing transaction rolls
-- back, so a copy labelled with a value always holds what was committed under it.
-- The trigger also raises a notice: the writing connection's process drops the copies it holds
-- for open transactions, so a transaction reads its own organisation changes.
create sequence org_generation_seq;
--> statement-breakpoint
create table org_generation (
  id integer primary key default 1 check (id = 1),
  n bigint not null
);
--> statement-breakpoint
insert into org_generation (id, n) values (1, nextval('org_generation_seq'));
--> statement-breakpoint
create function yq_org_changed() returns trigger language plpgsql as $$
begin
  update org_generation set n = nextval('org_generation_seq') where id = 1;
  raise notice 'yq:org_changed';
  return null;
end
$$;
--> statement-breakpoint
create trigger org_changed after insert or update or delete or truncate on units for each statement execute function yq_org_changed();
--> statement-breakpoint
create trigger org_changed after insert or update or delete or truncate on people for each statement execute function yq_org_changed();
--> statement-breakpoint
create trigger org_changed after insert or update or delete or truncate on memberships for each statement execute function yq_org_changed();
--> statement-breakpoint
create trigger org_changed after insert or update or delete or truncate on oversight for each statement execute function yq_org_changed();
--> statement-breakpoint
create trigger org_changed after insert or update or delete or truncate on chat_bindings for each statement execute function yq_org_changed();
--> statement-breakpoint
create trigger org_changed after insert or update or delete or truncate on roster_overrides for each statement execute function yq_org_changed();
