-- zones.sql — the fishing zones of Hồ Chí Minh City (code 79), an
-- approximation of the lines of Decree 26/2019/NĐ-CP (Art. 43 and Annex):
-- ven bờ (coastal) 0–6 nautical miles from the province's land, lộng
-- (inshore) 6–24 nm, khơi (offshore) 24–200 nm, each restricted to the
-- province's sea sector and with all land taken out.
-- Input: prepz.raw_provinces34 (34 provinces), prepz.raw_foreign (other
-- countries' maritime polygons: land + territorial sea, near the province).
-- Output: prepz.out(zone, ord, props, geom).
\set ON_ERROR_STOP on
set client_min_messages = warning;

-- tm: a transverse Mercator centred on the province (106.8° E). Within
-- 200 nm of the province (±3.5° of longitude) its scale error is below
-- 0.2%, well inside the ±1% the test allows, and a planar buffer is
-- exact in it.
create function prepz.tm(g geometry) returns geometry language sql immutable as
$$ select st_transform(g, '+proj=tmerc +lat_0=0 +lon_0=106.8 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs') $$;
create function prepz.wgs(g geometry) returns geometry language sql immutable as
$$ select st_transform(st_setsrid(g, 0), '+proj=tmerc +lat_0=0 +lon_0=106.8 +k=1 +x_0=0 +y_0=0 +datum=WGS84 +units=m +no_defs', 4326) $$;

create table prepz.provinces as
select j->>'id' code, st_setsrid(st_geomfromgeojson(j->'geometry'), 4326) geom
from prepz.raw_provinces34;
create table prepz.foreign as
select j->'properties'->>'A3' code, st_makevalid(st_setsrid(st_geomfromgeojson(j->'geometry'), 4326)) geom
from prepz.raw_foreign;

-- land79: the province's land, islands (Côn Đảo) included, in tm.
create table prepz.land79 as
select prepz.tm(geom) geom from prepz.provinces where code = '79';

-- bands: buffers of the province's land at 6, 24 and 200 nm (1 nm = 1852 m),
-- simplified by 20 m.
create table prepz.buf as
select nm, st_simplifypreservetopology(st_buffer(l.geom, nm * 1852.0, 'quad_segs=32'), 20) geom
from prepz.land79 l, (values (6), (24), (200)) v(nm);

-- sector79: sea nearer to the province's land than to any other land
-- (the other 33 provinces, and neighbouring countries' land and
-- territorial sea), from a Voronoi diagram of boundary vertices
-- segmentized to 0.005° (about 550 m) inside the 200 nm box.
create table prepz.box as
select st_expand(st_envelope(prepz.wgs(geom)), 0.5) geom from prepz.buf where nm = 200;

create table prepz.vpts as
select distinct on (d.geom) d.code, d.geom
from (select g.code, (st_dumppoints(st_segmentize(g.geom, 0.005))).geom geom
      from (select code, geom from prepz.provinces
            union all select 'x' || code, geom from prepz.foreign) g, prepz.box b
      where g.geom && b.geom) d, prepz.box b
where d.geom && b.geom
order by d.geom, d.code = '79' desc;

create table prepz.vcells as
select (st_dump(st_voronoipolygons(st_collect(p.geom), 0, st_expand(b.geom, 1.0)))).geom geom
from prepz.vpts p, prepz.box b group by b.geom;
create index on prepz.vcells using gist (geom);
create index on prepz.vpts using gist (geom);

create table prepz.sector as
select prepz.tm(st_union(c.geom)) geom
from prepz.vcells c join prepz.vpts p on st_intersects(c.geom, p.geom)
where p.code = '79';

-- land: every province's land and the foreign polygons, near the box, in
-- tm, simplified by 20 m.
create table prepz.land as
select st_simplifypreservetopology(st_union(prepz.tm(st_intersection(g.geom, b.geom))), 20) geom
from (select geom from prepz.provinces union all select geom from prepz.foreign) g, prepz.box b
where g.geom && b.geom;

-- the three zones: ring between the inner and outer buffer, in the sector,
-- minus land. The buffers and the land were simplified by 20 m (0.2% of
-- 6 nm) before, so that neighbouring zones share their edges exactly.
create table prepz.out as
select z.zone, z.ord, z.lo, z.hi,
       prepz.wgs(st_multi(st_collectionextract(st_makevalid(
         st_difference(st_intersection(
           case when z.lo = 0 then o.geom else st_difference(o.geom, i.geom) end, s.geom), l.geom)
         ), 3))) geom
from (values ('ven_bo', 1, 0, 6), ('long', 2, 6, 24), ('khoi', 3, 24, 200)) z(zone, ord, lo, hi)
join prepz.buf o on o.nm = z.hi
left join prepz.buf i on i.nm = z.lo,
prepz.sector s, prepz.land l;
