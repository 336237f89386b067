-- basemap.sql — the offline basemap layers (data/demo/basemap_*.geojson.gz):
-- land around Vietnam and the East Sea, the 34 provinces, Vietnam's internal
-- waters and territorial sea, the national railways and ports. Each is
-- simplified for the zooms it is shown at; ATTRIBUTION.md explains why.
-- Input: prepb.raw_* (basemap.sh). Output: prepb.out(layer, ord, id, props,
-- geom, digits), one row per feature.
\set ON_ERROR_STOP on
set client_min_messages = warning;

create function prepb.geom(j jsonb) returns geometry language sql immutable as
$$ select st_setsrid(st_geomfromgeojson(j), 4326) $$;

create table prepb.out (layer text, ord bigint, id json, props json, geom geometry(Geometry, 4326));

-- The region the land is clipped to: Vietnam, the East Sea and its
-- neighbours, wide enough that a 1920-pixel screen at zoom 6 over Vietnam
-- shows no edge.
create table prepb.box as select st_makeenvelope(85, -12, 135, 32, 4326) g;

-- provinces: the 34 polygons simplified by 0.001° (about 110 m) along their
-- shared boundaries, so that neighbours still meet exactly: the boundaries
-- are unioned into one noded linework, each edge between junctions is
-- simplified with its end points fixed (an islet whose ring would collapse
-- keeps its ring as it is),
-- the edges are polygonized, and each face goes back to the province it
-- overlaps most.
create table prepb.prov as
select j->>'id' code, j->'properties' p, prepb.geom(j->'geometry') geom from prepb.raw_provinces34;

create table prepb.edges as
select case when st_isclosed(e) and st_npoints(s) < 4 then e else s end g
from (select e, st_simplify(e, 0.001, true) s
      from (select (st_dump(st_linemerge(st_union(st_boundary(geom))))).geom e from prepb.prov) d) x;

create table prepb.faces as select (st_dump(st_polygonize(g))).geom g from prepb.edges;

create table prepb.sprov as
select code, st_multi(st_union(g)) geom
from (select distinct on (f.g) p.code, f.g
      from prepb.faces f join prepb.prov p on st_intersects(p.geom, st_pointonsurface(f.g))
      order by f.g, st_area(st_intersection(p.geom, f.g)) desc) a
group by code;

insert into prepb.out
select 'provinces', p.code::bigint, to_json(p.code::int),
       json_build_object('code', p.code, 'name', p.p->>'fullName', 'name_en', p.p->>'fullNameEn',
                         'area_km2', (p.p->>'areaKm2')::float8),
       s.geom
from prepb.prov p join prepb.sprov s using (code);

create table prepb.vn as select st_union(geom) geom from prepb.sprov;

-- land elsewhere: Natural Earth's land in the box, part by part (the
-- TopoJSON decodes to a MultiPolygon that is invalid as a whole, its
-- quantized rings touching), made valid, clipped and simplified by 0.005°
-- (about 550 m: under a pixel up to zoom 7, a vertex every few kilometres).
create table prepb.ne as
select st_simplifypreservetopology(st_intersection(st_makevalid(d.geom), b.g), 0.005) g
from (select (st_dump(prepb.geom(j->'geometry'))).geom from prepb.raw_land) d, prepb.box b
where d.geom && b.g and st_intersects(st_makevalid(d.geom), b.g);

create table prepb.ocean as
select st_difference(b.g, st_union(n.g)) g from prepb.box b, prepb.ne n group by b.g;

-- sea: Vietnam's maritime polygon (land, internal waters and territorial
-- sea, from OSM) minus the provinces' land. Its parts are unioned first (it
-- is invalid as published: the Phú Quốc shell is nested in the mainland's)
-- and simplified by 0.001° like the provinces. What is left between the
-- OSM land border and the provinces' border (slivers along the borders with
-- China, Laos and Cambodia) is not sea: only the parts that reach Natural
-- Earth's open sea are kept.
create table prepb.sea as
select s.g
from (select (st_dump(st_difference(st_simplifypreservetopology(st_union(m.geom), 0.001), v.geom))).geom g
      from (select (st_dump(prepb.geom(j->'geometry'))).geom from prepb.raw_maritime) m, prepb.vn v
      group by v.geom) s, prepb.ocean o
where st_intersects(s.g, o.g);

insert into prepb.out
select 'sea', row_number() over (order by st_area(g) desc), to_json(row_number() over (order by st_area(g) desc)),
       json_build_object('name', 'Nội thủy và lãnh hải Việt Nam',
                         'name_en', 'Internal waters and territorial sea of Vietnam',
                         'area_km2', round((st_area(g::geography) / 1e6)::numeric, 2)),
       g
from prepb.sea;

-- land: Natural Earth's land without Vietnam's sea (its coast there is a
-- kilometre off the provinces' at 1:10 million), plus the provinces: so
-- the land meets the sea and the province outlines exactly along Vietnam's
-- coast, and the neighbours' land comes from Natural Earth. Cut into
-- pieces of at most 1,024 vertices so that a tile clips small polygons
-- (the viewer draws land without an outline of its own, so the cuts do not
-- show).
create table prepb.land as
select st_collectionextract(st_union(st_union(st_difference(n.g, s.g)), v.geom), 3) g
from prepb.ne n, (select st_union(g) g from prepb.sea) s, prepb.vn v
group by v.geom;

insert into prepb.out
select 'land', row_number() over (order by st_xmin(g), st_ymin(g), st_astext(g)),
       to_json(row_number() over (order by st_xmin(g), st_ymin(g), st_astext(g))),
       '{}'::json, g
from (select st_subdivide((st_dump(g)).geom, 1024) g from prepb.land) d;

-- railways: the national network, one feature per line of the same name
-- (Vietnamese, else English; the OSM ways merged end to end), simplified
-- by 0.0001° (about 11 m). Sidings and yards have no name: each of their
-- merged pieces is a feature.
insert into prepb.out
select 'railways', row_number() over (order by name nulls last, name_en nulls last, st_xmin(g), st_ymin(g), st_astext(g)),
       to_json(row_number() over (order by name nulls last, name_en nulls last, st_xmin(g), st_ymin(g), st_astext(g))),
       json_build_object('name', name, 'name_en', name_en, 'length_km', round((st_length(g::geography) / 1e3)::numeric, 1)),
       g
from (select max(name) name, max(name_en) name_en, st_simplify((st_dump(st_linemerge(st_collect(geom)))).geom, 0.0001, true) g
      from (select j->'properties'->>'name' name, j->'properties'->>'name:en' name_en,
                   (st_dump(prepb.geom(j->'geometry'))).geom
            from prepb.raw_railways) r
      group by coalesce(name, name_en)) m;

-- ports: the ferry terminals and ports as they are.
insert into prepb.out
select 'ports', osm_id, to_json(osm_id),
       json_build_object('name', p->>'name', 'name_en', p->>'name:en', 'osm_id', osm_id),
       geom
from (select (j->'properties'->>'osm_id')::bigint osm_id, j->'properties' p, prepb.geom(j->'geometry') geom
      from prepb.raw_ports) t;

-- Rounding: snapped to 5 decimals (about 1 m, far below the
-- simplification) with the positions that become repeated removed, unless
-- that makes the geometry invalid, then 6, then full precision.
create function prepb.snap(g geometry, d int) returns geometry language sql immutable as
$$ select st_removerepeatedpoints(st_snaptogrid(g, 10 ^ -d)) $$;
create function prepb.digits(g geometry) returns int language sql immutable as $$
  select coalesce(min(d), 15) from unnest(array[5, 6]) d
  where st_isvalid(prepb.snap(g, d)) and not st_isempty(prepb.snap(g, d))
$$;

alter table prepb.out add column digits int;
update prepb.out set digits = prepb.digits(geom);
update prepb.out set geom = prepb.snap(geom, digits) where digits < 15;
