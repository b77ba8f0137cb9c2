-- The answer and rectification clocks apply only while the item's latest verification says so
-- (answer: an inquiry whose latest verification is not 不属实; rectify: the latest verification
-- asks for rectification). Before this migration a new verification that took one away left its
-- row behind, still "running": reports counted it and listed it overdue, and the sweeper redrew
-- cards for it. The app now deletes such rows when it syncs an item's clocks; this removes the
-- ones already left.
with latest as (
  select distinct on (item_id) item_id, outcome, rectification_needed
  from verifications
  order by item_id, id desc
)
delete from clocks c
using items i
where i.id = c.item_id
  and (
    (c.kind = 'rectify' and not exists (select 1 from latest l where l.item_id = c.item_id and l.rectification_needed))
    or (c.kind = 'answer' and (i.kind <> 'inquiry' or not exists (select 1 from latest l where l.item_id = c.item_id and l.outcome <> 'false')))
  );
