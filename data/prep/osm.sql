-- osm.sql — selects the buildings and roads of the two Overpass samples,
-- de-duplicates them, rounds node coordinates and checks validity.
-- Output: prep.osm_out(layer, ord, elem) — the Overpass elements of each file.
\set ON_ERROR_STOP on
set client_min_messages = warning;

-- One row per (type, id). The two samples overlap a little; duplicated
-- elements are byte-identical (prep.sh reports it), the Quận 1 sample wins.
create table prep.osm_all as
select j->>'type' t, (j->>'id')::bigint id, j, src
from (select j, 'd1' src from prep.raw_osm_d1 union all
      select j, 'bt' src from prep.raw_osm_bt) x;

create table prep.osm as
select distinct on (t, id) t, id, j from prep.osm_all order by t, id, src = 'd1' desc;
create unique index on prep.osm (t, id);

-- Features: buildings are ways and multipolygon relations tagged building;
-- roads are ways tagged highway, except pedestrian areas (area=yes).
create table prep.osm_feat as
select 'buildings' layer, t, id from prep.osm
where t in ('way', 'relation') and j->'tags' ? 'building'
  and (t = 'way' or j->'tags'->>'type' = 'multipolygon')
union all
select 'roads', t, id from prep.osm
where t = 'way' and j->'tags' ? 'highway' and coalesce(j->'tags'->>'area', '') <> 'yes';

-- Geometry elements the features need: relation members, then way nodes.
-- They are written without tags, so that every tagged element of a file is a
-- feature of its layer.
create table prep.osm_need as
select layer, (m->>'type') t, (m->>'ref')::bigint id
from prep.osm_feat f join prep.osm r on r.t = f.t and r.id = f.id,
     jsonb_array_elements(r.j->'members') m
where f.t = 'relation';

insert into prep.osm_need
select distinct layer, 'node', n::bigint
from (select layer, t, id from prep.osm_feat union select layer, t, id from prep.osm_need) f
join prep.osm w on w.t = f.t and w.id = f.id and f.t = 'way',
     jsonb_array_elements_text(w.j->'nodes') n;

create table prep.osm_sel as
select layer, t, id, true tagged from prep.osm_feat
union
select layer, t, id, false from prep.osm_need n
where not exists (select 1 from prep.osm_feat f where f.layer = n.layer and f.t = n.t and f.id = n.id);

-- Node coordinates: the original 7 decimals, rounded to 6 unless a way
-- through the node becomes invalid.
create table prep.onode as
select id, (j->>'lon')::numeric lon, (j->>'lat')::numeric lat, false keep7
from prep.osm where t = 'node';
alter table prep.onode add primary key (id);

create function prep.way_line(way bigint, final bool) returns geometry language sql stable as $$
  select st_setsrid(st_makeline(
           case when not final or n.keep7 then st_makepoint(n.lon, n.lat)
                else st_makepoint(round(n.lon, 6), round(n.lat, 6)) end
           order by o.i), 4326)
  from prep.osm w, jsonb_array_elements_text(w.j->'nodes') with ordinality o(ref, i)
  join prep.onode n on n.id = o.ref::bigint
  where w.t = 'way' and w.id = way
$$;

-- A feature's geometry: a polygon for a closed building way, a multipolygon
-- of outer rings with the inner rings inside them for a relation, a line for
-- a road.
create function prep.feat_geom(layer text, t text, fid bigint, final bool) returns geometry
language sql stable as $$
  select case
    when t = 'way' and layer = 'buildings' then
      (select case when st_isclosed(g) and st_npoints(g) >= 4 then st_makepolygon(g) else g end
       from prep.way_line(fid, final) g)
    when t = 'way' then prep.way_line(fid, final)
    else (select st_collect(st_makepolygon(o.g,
                   array(select i.g from (select prep.way_line((m->>'ref')::bigint, final) g
                                          from prep.osm r, jsonb_array_elements(r.j->'members') m
                                          where r.t = 'relation' and r.id = fid
                                            and m->>'type' = 'way' and m->>'role' = 'inner') i
                         where st_isclosed(i.g) and st_contains(st_makepolygon(o.g), i.g))))
          from (select prep.way_line((m->>'ref')::bigint, final) g
                from prep.osm r, jsonb_array_elements(r.j->'members') m
                where r.t = 'relation' and r.id = fid
                  and m->>'type' = 'way' and m->>'role' = 'outer') o
          where st_isclosed(o.g) and st_npoints(o.g) >= 4)
  end
$$;

create table prep.osm_check as
select layer, t, id, st_isvalid(prep.feat_geom(layer, t, id, false)) valid7, null::bool valid6
from prep.osm_feat;

-- Keep 7 decimals for the nodes of features that rounding would break;
-- repeat, since a node kept at 7 decimals changes its other ways too.
do $$
declare changed int;
begin
  loop
    update prep.osm_check c set valid6 = st_isvalid(prep.feat_geom(layer, t, id, true));
    update prep.onode set keep7 = true
    where not keep7 and id in (
      select n::bigint from prep.osm_check c
      join prep.osm w on w.t = 'way' and (w.id = c.id and c.t = 'way' or c.t = 'relation' and w.id in
             (select (m->>'ref')::bigint from prep.osm r, jsonb_array_elements(r.j->'members') m
              where r.t = 'relation' and r.id = c.id and m->>'type' = 'way')),
           jsonb_array_elements_text(w.j->'nodes') n
      where c.valid7 and not c.valid6);
    get diagnostics changed = row_count;
    exit when changed = 0;
  end loop;
end $$;

-- Elements in Overpass order (nodes, ways, relations; by id), keys in
-- Overpass order; untagged elements carry no "tags" key.
create table prep.osm_out as
select s.layer,
       row_number() over (partition by s.layer
                          order by array_position(array['node', 'way', 'relation'], s.t), s.id) ord,
       json_strip_nulls(case s.t
         when 'node' then json_build_object('type', 'node', 'id', s.id,
           'lat', (case when n.keep7 then n.lat else round(n.lat, 6) end)::float8,
           'lon', (case when n.keep7 then n.lon else round(n.lon, 6) end)::float8)
         when 'way' then json_build_object('type', 'way', 'id', s.id, 'nodes', e.j->'nodes',
           'tags', case when s.tagged then e.j->'tags' end)
         else json_build_object('type', 'relation', 'id', s.id, 'members', e.j->'members',
           'tags', e.j->'tags') end) elem
from prep.osm_sel s
join prep.osm e on e.t = s.t and e.id = s.id
left join prep.onode n on s.t = 'node' and n.id = s.id;
