-- geo.sql — builds the GeoJSON demo layers from the prep.raw_* tables.
-- Output: prep.out(layer, ord, id, props, geom), one row per feature.
\set ON_ERROR_STOP on
set client_min_messages = warning;

create table prep.out (layer text, ord bigint, id json, props json, geom geometry(Geometry, 4326));

create function prep.geom(j jsonb) returns geometry language sql immutable as
$$ select st_setsrid(st_geomfromgeojson(j), 4326) $$;

-- province: the upstream polygon as it is (valid, already 6 decimals).
create table prep.province as
select j->'properties' p, prep.geom(j->'geometry') geom from prep.raw_province;

insert into prep.out
select 'province', 1, to_json(p->>'code'),
       json_build_object('code', p->>'code', 'name', p->>'fullName',
                         'name_en', p->>'fullNameEn', 'area_km2', (p->>'areaKm2')::float8),
       geom
from prep.province;

-- communes: 168 polygons joined to the official unit list for the type.
create table prep.communes as
select c.j->'properties' p, u.j u, prep.geom(c.j->'geometry') geom
from prep.raw_communes c
left join prep.raw_units u on u.j->>'Code' = c.j->'properties'->>'code';

insert into prep.out
select 'communes', (p->>'code')::bigint, to_json(p->>'code'),
       json_build_object('code', p->>'code', 'name', p->>'fullName',
                         'name_en', p->>'fullNameEn',
                         'type', u->>'AdministrativeUnitShortName',
                         'area_km2', (p->>'areaKm2')::float8),
       geom
from prep.communes;

-- land: the 34 provinces after 1 July 2025.
create table prep.provinces as
select j->>'id' code, prep.geom(j->'geometry') geom from prep.raw_provinces34;
create index on prep.provinces using gist (geom);
create table prep.land as select st_union(geom) geom from prep.provinces;

-- zone79: sea closer to Hồ Chí Minh City's land than to any other province's
-- land (equidistance), from a Voronoi diagram of the provinces' boundary
-- vertices (segmentized to 0.005°) around the coast.
create table prep.vpts as
select distinct on (geom) code, geom
from (select code, (st_dumppoints(st_segmentize(geom, 0.005))).geom geom
      from prep.provinces) d
where geom && st_makeenvelope(105.0, 7.5, 109.5, 12.5, 4326)
order by geom, code = '79' desc;
create index on prep.vpts using gist (geom);

create table prep.vcells as
select (st_dump(st_voronoipolygons(st_collect(geom), 0,
        st_makeenvelope(104.0, 6.5, 110.5, 13.5, 4326)))).geom geom
from prep.vpts;
create index on prep.vcells using gist (geom);

create table prep.zone79 as
select st_union(c.geom) geom
from prep.vcells c join prep.vpts p on st_intersects(c.geom, p.geom)
where p.code = '79';

-- sea: Vietnam's maritime polygon (land + internal waters + territorial
-- sea) minus land, inside the box (province bbox widened 0.3° west and
-- 0.5° south and east) and inside zone79. The VNM MultiPolygon is invalid
-- (a nested shell off Phú Quốc, far outside the box), so its parts are
-- clipped one by one and unioned instead of repairing the whole.
create table prep.sea as
select st_multi(st_union(st_difference(st_intersection(st_intersection(m.geom, b.box), z.geom), l.geom))) geom
from (select (st_dump(prep.geom(j->'geometry'))).geom from prep.raw_maritime) m,
     prep.land l, prep.zone79 z,
     (select st_makeenvelope(106.027727, 8.131498, 108.06973, 11.502677, 4326) box) b
where m.geom && b.box;

insert into prep.out
select 'sea', 1, to_json(1),
       json_build_object('name', 'Vùng biển ngoài khơi Thành phố Hồ Chí Minh',
                         'name_en', 'Sea off Ho Chi Minh City'),
       geom
from prep.sea;

-- coastline: the province boundary where it meets the sea (sea buffered by
-- 0.0001°, about 11 m, to absorb floating-point noise of the difference).
create table prep.coast as
select (st_dump(st_linemerge(st_collectionextract(
          st_intersection(st_boundary(v.geom), st_buffer(s.geom, 0.0001)), 2)))).geom geom
from prep.province v, prep.sea s;

insert into prep.out
select 'coastline', row_number() over (order by st_length(c.geom::geography) desc),
       to_json(row_number() over (order by st_length(c.geom::geography) desc)),
       json_build_object(
         'name', case when island then 'Bờ biển đảo' else 'Bờ biển đất liền' end,
         'name_en', case when island then 'Island coast' else 'Mainland coast' end,
         'length_m', round(st_length(c.geom::geography)::numeric, 1)),
       c.geom
from (select c.geom, not st_intersects(c.geom, main.geom) island
      from prep.coast c,
           (select geom from (select (st_dump(geom)).geom from prep.province) d
            order by st_area(geom) desc limit 1) main) c;

-- ports: ferry terminals within 2 km of the province that are not on another
-- province's land (piers and jetties drawn just off the shore are kept,
-- terminals on the far bank of a border river are not).
create table prep.ports as
select (j->'properties'->>'osm_id')::bigint osm_id, j->'properties' p, prep.geom(j->'geometry') geom
from prep.raw_ports;

insert into prep.out
select 'ports', t.osm_id, to_json(t.osm_id),
       json_build_object('name', t.p->>'name', 'name_en', t.p->>'name:en', 'name_vi', t.p->>'name:vi',
                         'amenity', t.p->>'amenity', 'osm_id', t.osm_id),
       t.geom
from prep.ports t, prep.province v
where st_dwithin(v.geom::geography, t.geom::geography, 2000)
  and not exists (select 1 from prep.provinces o
                  where o.code <> '79' and st_intersects(o.geom, t.geom));

-- railways: lines cut to the province polygon.
insert into prep.out
select 'railways', osm_id, to_json(osm_id),
       json_build_object('railway', p->>'railway', 'name', p->>'name', 'osm_id', osm_id),
       geom
from (select (r.j->'properties'->>'osm_id')::bigint osm_id, r.j->'properties' p,
             st_collectionextract(st_intersection(prep.geom(r.j->'geometry'), v.geom), 2) geom
      from prep.raw_railways r, prep.province v
      where st_intersects(prep.geom(r.j->'geometry'), v.geom)) x
where not st_isempty(geom);

-- Rounding: GeoJSON with 6 decimals unless that makes the geometry invalid,
-- then 7, then full precision (never needed so far; prep.sh reports it).
create function prep.digits(g geometry) returns int language sql immutable as $$
  select coalesce(min(d), 15) from unnest(array[6, 7]) d
  where st_isvalid(st_geomfromgeojson(st_asgeojson(g, d)))
$$;

alter table prep.out add column digits int;
update prep.out set digits = prep.digits(geom);
