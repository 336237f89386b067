-- check.sql — validity report on the exported demo files (prep.chk_*, loaded
-- back from data/demo by prep.sh). Prints one table per check; every
-- "invalid" / "missing" column must be 0.
\set ON_ERROR_STOP on
set client_min_messages = warning;

create view prep.chk_geojson as
          select 'province' layer, j from prep.chk_province
union all select 'communes', j from prep.chk_communes
union all select 'ports', j from prep.chk_ports
union all select 'railways', j from prep.chk_railways
union all select 'sea', j from prep.chk_sea
union all select 'coastline', j from prep.chk_coastline;

\echo 'GeoJSON layers: features, ids, validity, geometry types, vertices'
select layer, count(*) features, count(distinct j->'id') ids, count(*) filter (where j->'id' is null) no_id,
       count(*) filter (where not st_isvalid(st_geomfromgeojson(j->'geometry'))) invalid,
       string_agg(distinct j->'geometry'->>'type', ',') types,
       sum(st_npoints(st_geomfromgeojson(j->'geometry'))) vertices
from prep.chk_geojson group by layer order by layer;

\echo 'communes: ids are the 5-digit codes, types'
select count(*) filter (where j->>'id' = j->'properties'->>'code' and j->>'id' ~ '^[1-9][0-9]{4}$') id_is_code,
       count(*) filter (where j->'properties'->>'name' like (j->'properties'->>'type') || ' %') name_has_type,
       string_agg(distinct j->'properties'->>'type', ', ') types
from prep.chk_communes;

\echo 'sea and coastline'
select (select round(sum(st_area(st_geomfromgeojson(j->'geometry')::geography))::numeric / 1e6, 1)
        from prep.chk_sea) sea_km2,
       (select round(sum(st_length(st_geomfromgeojson(j->'geometry')::geography))::numeric / 1e3, 1)
        from prep.chk_coastline) coast_km;

\echo 'Overpass files: elements, features, unresolved references'
with e as (
  select 'buildings' f, j from prep.chk_buildings union all select 'roads', j from prep.chk_roads),
nodes as (select f, (j->>'id')::bigint id from e where j->>'type' = 'node'),
ways as (select f, (j->>'id')::bigint id from e where j->>'type' = 'way')
select f, count(*) elements,
       count(*) filter (where j->>'type' = 'node') nodes,
       count(*) filter (where j->>'type' = 'way') ways,
       count(*) filter (where j->>'type' = 'relation') relations,
       count(*) filter (where j ? 'tags') features,
       count(distinct (j->>'type', j->>'id')) - count(*) dup,
       (select count(*) from e e2, jsonb_array_elements_text(e2.j->'nodes') n
        where e2.f = e.f and not exists (select 1 from nodes where nodes.f = e2.f and nodes.id = n::bigint)) missing_nodes,
       (select count(*) from e e2, jsonb_array_elements(e2.j->'members') m
        where e2.f = e.f and not exists (select 1 from e e3 where e3.f = e2.f
              and e3.j->>'type' = m->>'type' and e3.j->>'id' = m->>'ref')) missing_members
from e group by f order by f;

\echo 'Overpass files: building ways and road ways rebuilt from the rounded file coordinates'
with e as (
  select 'buildings' f, j from prep.chk_buildings union all select 'roads', j from prep.chk_roads),
n as (select f, (j->>'id')::bigint id, st_makepoint((j->>'lon')::float8, (j->>'lat')::float8) p
      from e where j->>'type' = 'node'),
w as (select e.f, e.j ? 'tags' tagged, st_makeline(n.p order by o.i) g
      from e, jsonb_array_elements_text(e.j->'nodes') with ordinality o(ref, i)
      join n on n.id = o.ref::bigint
      where e.j->>'type' = 'way' and n.f = e.f
      group by e.f, e.j)
select f, count(*) filter (where tagged) tagged_ways,
       count(*) filter (where tagged and f = 'buildings' and not st_isclosed(g)) open_buildings,
       count(*) filter (where tagged and not st_isvalid(
         case when f = 'buildings' and st_isclosed(g) and st_npoints(g) >= 4 then st_makepolygon(g) else g end)) invalid
from w group by f order by f;

\echo 'Overpass rounding: features checked in osm.sql, nodes kept at 7 decimals'
select layer, t, count(*) features, count(*) filter (where not valid7) invalid_orig,
       count(*) filter (where not valid6) invalid_rounded,
       (select count(*) filter (where keep7) from prep.onode) nodes_7dp
from prep.osm_check group by layer, t order by layer, t;

\echo 'GeoJSON rounding: features written with more than 6 decimals'
select layer, id, digits from prep.out where digits <> 6 order by layer, id::text;

\echo 'parcels: ids 1..N, validity, 10 distinct vertices, inside their commune'
with p as (
  select (j->>'id')::int id, j->'properties'->>'commune_code' code,
         st_setsrid(st_geomfromgeojson(j->'geometry'), 4326) g
  from prep.chk_parcels),
c as (select j->>'id' code, st_setsrid(st_geomfromgeojson(j->'geometry'), 4326) g from prep.chk_communes)
select count(*) parcels, min(id), max(id), count(distinct id) ids,
       count(*) filter (where not st_isvalid(p.g)) invalid,
       count(*) filter (where not st_issimple(st_exteriorring(p.g))) not_simple,
       count(*) filter (where st_npoints(p.g) <> 11
                          or (select count(distinct d.geom) from st_dumppoints(p.g) d) <> 10) not_10_vertices,
       count(*) filter (where not st_covers(c.g, st_points(p.g))) vertex_outside,
       count(*) filter (where not st_covers(c.g, p.g)) polygon_not_covered,
       round(avg(st_area(p.g::geography))::numeric, 1) avg_m2
from p left join c on c.code = p.code;
