CREATE TABLE "report_item_contrib" (
	"item_id" bigint PRIMARY KEY NOT NULL,
	"day" date,
	"unit" text,
	"facts" text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_rollup" (
	"day" date NOT NULL,
	"unit" text NOT NULL,
	"metric" text NOT NULL,
	"key" text NOT NULL,
	"n" bigint NOT NULL,
	"delta" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "report_settings" (
	"id" integer PRIMARY KEY NOT NULL,
	"tz" text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "report_rollup_folded" ON "report_rollup" USING btree ("day","unit","metric","key") WHERE not "report_rollup"."delta";--> statement-breakpoint
CREATE INDEX "report_rollup_deltas" ON "report_rollup" USING btree ("day") WHERE "report_rollup"."delta";--> statement-breakpoint
CREATE INDEX "report_rollup_items" ON "report_rollup" USING btree ("day","unit") WHERE "report_rollup"."metric" = 'items';--> statement-breakpoint
CREATE INDEX "report_rollup_open_unmet" ON "report_rollup" USING btree ("unit") WHERE "report_rollup"."metric" = 'open_unmet';--> statement-breakpoint
CREATE INDEX "audit_reopened" ON "audit_log" USING btree ("item_id") WHERE "audit_log"."action" in ('item.recurred', 'item.reopened');--> statement-breakpoint
CREATE INDEX "items_notable_registered" ON "items" USING btree ("registered_at") WHERE not "items"."drill" and ("items"."level" in ('major', 'critical') or "items"."category" = 'rumour');--> statement-breakpoint
INSERT INTO "report_settings" ("id", "tz") VALUES (1, 'Asia/Shanghai');--> statement-breakpoint
/*
 * What the given items add to the reports, one row per count: the item's registration day (local,
 * in report_settings.tz) and lead unit, and a fact `metric:key`. Drills add nothing. The report
 * SQL (src/db/queries/reports.ts) reads these metrics back:
 *   items, category, source, level, kind, state (now), notable — one each per item;
 *   extensions — one per extension; disputes:<from unit> — one per dispute;
 *   per non-watch clock: clock_total, clock_on_time, clock_late, clock_extended (key: the clock),
 *   clock_unmet and open_unmet (key: clock|local day its effective due time falls in, a due time at
 *   midnight counted in the day before, so "due <= a midnight" is "day < that date"; open_unmet only
 *   while the item is not closed), clock_minutes (ack, verify, respond met: clock|whole minutes).
 */
CREATE FUNCTION yq_report_contributions(ids bigint[])
RETURNS TABLE (item_id bigint, day date, unit text, fact text)
LANGUAGE sql STABLE AS $$
  with zone as (select coalesce((select tz from report_settings where id = 1), 'Asia/Shanghai') as tz),
  it as (
    select i.id, i.category, i.source, i.level, i.kind, i.state,
      (i.registered_at at time zone zone.tz)::date as day,
      coalesce((select min(u.unit_code) from item_units u where u.item_id = i.id and u.role = 'lead' and u.active), '') as unit
    from unnest(ids) as wanted(id) join items i on i.id = wanted.id cross join zone where not i.drill
  ),
  running as (
    select c.item_id, it.day, it.unit, c.kind, coalesce(c.extended_due_at, c.due_at) as due, c.met_at, c.starts_at,
      c.extended_due_at is not null as extended, it.state, zone.tz
    from it join clocks c on c.item_id = it.id cross join zone where c.kind <> 'watch'
  )
  select id, day, unit, 'items:' from it
  union all select id, day, unit, 'category:' || category from it
  union all select id, day, unit, 'source:' || coalesce(source, 'unknown') from it
  union all select id, day, unit, 'level:' || level from it
  union all select id, day, unit, 'kind:' || kind from it
  union all select id, day, unit, 'state:' || state from it
  union all select id, day, unit, 'notable:' from it
    where level in ('major', 'critical') or category = 'rumour'
      or exists (select 1 from consultations k where k.item_id = it.id)
      or exists (select 1 from audit_log a where a.item_id = it.id and a.action in ('item.recurred', 'item.reopened'))
  union all select e.item_id, it.day, it.unit, 'extensions:' from extensions e join it on it.id = e.item_id
  union all select d.item_id, it.day, it.unit, 'disputes:' || d.from_unit from disputes d join it on it.id = d.item_id
  union all select item_id, day, unit, 'clock_total:' || kind from running
  union all select item_id, day, unit, 'clock_on_time:' || kind from running where met_at < due
  union all select item_id, day, unit, 'clock_late:' || kind from running where met_at >= due
  union all select item_id, day, unit, 'clock_extended:' || kind from running where extended
  union all select item_id, day, unit, 'clock_unmet:' || kind || '|' || to_char((due - interval '1 microsecond') at time zone tz, 'YYYY-MM-DD')
    from running where met_at is null
  union all select item_id, day, unit, 'open_unmet:' || kind || '|' || to_char((due - interval '1 microsecond') at time zone tz, 'YYYY-MM-DD')
    from running where met_at is null and state <> 'closed'
  union all select item_id, day, unit, 'clock_minutes:' || kind || '|' || floor(extract(epoch from met_at - starts_at) / 60)::bigint
    from running where met_at is not null and kind in ('ack', 'verify', 'respond')
$$;--> statement-breakpoint
/*
 * Counts one item again: takes back what it was last counted as and adds what it is now, as delta
 * rows. Once per item per transaction (the contrib row written by this transaction says it is
 * done); the row lock orders two transactions counting the same item.
 */
CREATE FUNCTION yq_report_refresh(p_item bigint) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  was record;
  now_day date;
  now_unit text;
  now_facts text[];
BEGIN
  INSERT INTO report_item_contrib (item_id, facts) VALUES (p_item, '{}') ON CONFLICT DO NOTHING;
  SELECT c.day, c.unit, c.facts, c.xmin::text = (pg_current_xact_id()::text::bigint % 4294967296)::text AS mine
    INTO was FROM report_item_contrib c WHERE c.item_id = p_item FOR UPDATE;
  IF was.mine AND was.facts IS DISTINCT FROM '{}'::text[] THEN
    RETURN;
  END IF;
  SELECT min(c.day), min(c.unit), coalesce(array_agg(c.fact ORDER BY c.fact), '{}')
    INTO now_day, now_unit, now_facts FROM yq_report_contributions(array[p_item]) c;
  INSERT INTO report_rollup (day, unit, metric, key, n, delta)
  SELECT x.day, x.unit, split_part(x.fact, ':', 1), substr(x.fact, position(':' in x.fact) + 1), sum(x.n), true
  FROM (
    SELECT now_day AS day, now_unit AS unit, f AS fact, 1 AS n FROM unnest(now_facts) f
    UNION ALL
    SELECT was.day, was.unit, f, -1 FROM unnest(was.facts) f
  ) x
  WHERE x.day IS NOT NULL
  GROUP BY x.day, x.unit, x.fact HAVING sum(x.n) <> 0;
  UPDATE report_item_contrib SET day = now_day, unit = now_unit, facts = now_facts WHERE item_id = p_item;
END $$;--> statement-breakpoint
CREATE FUNCTION yq_report_touch() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  r jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
BEGIN
  PERFORM yq_report_refresh((r ->> TG_ARGV[0])::bigint);
  IF TG_OP = 'UPDATE' AND (to_jsonb(OLD) ->> TG_ARGV[0]) IS DISTINCT FROM (r ->> TG_ARGV[0]) THEN
    PERFORM yq_report_refresh((to_jsonb(OLD) ->> TG_ARGV[0])::bigint);
  END IF;
  RETURN NULL;
END $$;--> statement-breakpoint
/* Deferred to the commit: by then the transaction's changes to the item are all made. */
CREATE CONSTRAINT TRIGGER report_items_added AFTER INSERT OR DELETE ON items DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION yq_report_touch('id');--> statement-breakpoint
CREATE CONSTRAINT TRIGGER report_items_changed AFTER UPDATE ON items DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.registered_at IS DISTINCT FROM NEW.registered_at OR OLD.drill IS DISTINCT FROM NEW.drill
    OR OLD.category IS DISTINCT FROM NEW.category OR OLD.source IS DISTINCT FROM NEW.source OR OLD.level IS DISTINCT FROM NEW.level
    OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.state IS DISTINCT FROM NEW.state)
  EXECUTE FUNCTION yq_report_touch('id');--> statement-breakpoint
CREATE CONSTRAINT TRIGGER report_clocks_added AFTER INSERT OR DELETE ON clocks DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION yq_report_touch('item_id');--> statement-breakpoint
CREATE CONSTRAINT TRIGGER report_clocks_changed AFTER UPDATE ON clocks DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (OLD.item_id IS DISTINCT FROM NEW.item_id OR OLD.kind IS DISTINCT FROM NEW.kind OR OLD.starts_at IS DISTINCT FROM NEW.starts_at
    OR OLD.due_at IS DISTINCT FROM NEW.due_at OR OLD.extended_due_at IS DISTINCT FROM NEW.extended_due_at OR OLD.met_at IS DISTINCT FROM NEW.met_at)
  EXECUTE FUNCTION yq_report_touch('item_id');--> statement-breakpoint
CREATE CONSTRAINT TRIGGER report_item_units AFTER INSERT OR UPDATE OR DELETE ON item_units DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION yq_report_touch('item_id');--> statement-breakpoint
CREATE CONSTRAINT TRIGGER report_extensions AFTER INSERT OR UPDATE OR DELETE ON extensions DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION yq_report_touch('item_id');--> statement-breakpoint
CREATE CONSTRAINT TRIGGER report_disputes AFTER INSERT OR UPDATE OR DELETE ON disputes DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION yq_report_touch('item_id');--> statement-breakpoint
CREATE CONSTRAINT TRIGGER report_consultations AFTER INSERT OR UPDATE OR DELETE ON consultations DEFERRABLE INITIALLY DEFERRED
  FOR EACH ROW EXECUTE FUNCTION yq_report_touch('item_id');--> statement-breakpoint
CREATE CONSTRAINT TRIGGER report_reopenings AFTER INSERT ON audit_log DEFERRABLE INITIALLY DEFERRED FOR EACH ROW
  WHEN (NEW.action IN ('item.recurred', 'item.reopened') AND NEW.item_id IS NOT NULL)
  EXECUTE FUNCTION yq_report_touch('item_id');--> statement-breakpoint
/*
 * Counts every item from scratch (first install, a new zone, the benchmark's bulk load).
 * The facts are stored unsorted: the next refresh of an item then sees a change that nets to
 * nothing (the difference is taken as multisets), costing one rewrite of its contrib row.
 */
CREATE FUNCTION yq_report_rebuild() RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  -- Truncated, not deleted: a million items' rows would stay behind as dead tuples. Changes
  -- committing meanwhile wait for the lock at their first refresh.
  TRUNCATE report_item_contrib, report_rollup;
  CREATE TEMP TABLE report_rebuild ON COMMIT DROP AS
    SELECT * FROM yq_report_contributions(array(SELECT id FROM items));
  INSERT INTO report_item_contrib (item_id, day, unit, facts)
  SELECT c.item_id, min(c.day), min(c.unit), array_agg(c.fact) FROM report_rebuild c GROUP BY c.item_id;
  INSERT INTO report_rollup (day, unit, metric, key, n, delta)
  SELECT c.day, c.unit, split_part(c.fact, ':', 1), substr(c.fact, position(':' in c.fact) + 1), count(*), false
  FROM report_rebuild c GROUP BY c.day, c.unit, c.fact;
  DROP TABLE report_rebuild;
END $$;--> statement-breakpoint
/* Folds the delta rows other transactions have committed into one row per key; zeros go. */
CREATE FUNCTION yq_report_fold() RETURNS bigint
LANGUAGE plpgsql AS $$
DECLARE
  folded bigint;
  emptied date[];
BEGIN
  WITH gone AS (DELETE FROM report_rollup WHERE delta RETURNING day, unit, metric, key, n),
  sums AS (SELECT day, unit, metric, key, sum(n) AS n, count(*) AS rows FROM gone GROUP BY 1, 2, 3, 4),
  merged AS (
    INSERT INTO report_rollup AS r (day, unit, metric, key, n, delta)
    SELECT day, unit, metric, key, n, false FROM sums
    ON CONFLICT (day, unit, metric, key) WHERE NOT delta DO UPDATE SET n = r.n + excluded.n
    RETURNING r.day, r.n
  )
  SELECT (SELECT coalesce(sum(rows), 0) FROM sums), (SELECT array_agg(DISTINCT day) FROM merged WHERE n = 0)
    INTO folded, emptied;
  IF emptied IS NOT NULL THEN
    DELETE FROM report_rollup WHERE NOT delta AND n = 0 AND day = ANY(emptied);
  END IF;
  RETURN folded;
END $$;--> statement-breakpoint
SELECT yq_report_rebuild();
