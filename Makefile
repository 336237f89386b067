# bando — build, run, test, bench. `make run` and `make test` are the README's
# two set-up commands.
GO        ?= go
BIN       := bin/bando
VERSION   := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
GO_SRC    := $(shell find . -name '*.go' -not -path './viewer/web/*' 2>/dev/null) go.mod go.sum
# The committed viewer build is authoritative: build and run embed it as it
# is and never rebuild it (checkout times make its sources look newer on a
# fresh clone, which would demand npm); only `make viewer` rebuilds it.
VIEWER_DIST := $(wildcard viewer/dist/*.html viewer/dist/*.js viewer/dist/*.css)

.PHONY: build run test test-race viewer tools bench bench-core bench-twin fuzz vet clean

build: $(BIN)

$(BIN): $(GO_SRC) $(VIEWER_DIST)
	@mkdir -p bin
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/bando

# The end-to-end race run (TestConcurrentWritersRace) uses this binary.
RACE_BIN := bin/bando-race
$(RACE_BIN): $(GO_SRC) $(VIEWER_DIST)
	@mkdir -p bin
	$(GO) build -race -ldflags "$(LDFLAGS)" -o $(RACE_BIN) ./cmd/bando

# Rebuilds viewer/dist from viewer/web (needs npm); commit the result.
viewer:
	cd viewer/web && npm ci --no-audit --no-fund && npm run build

# Node tools the tests use as independent checkers (MVT and MLT decoders,
# H3 reference, PMTiles reader, browser). @maplibre/mlt's ESM build has
# extensionless imports, so mltcheck bundles it with esbuild (npm run build).
tools:
	cd tools/mvtcheck && npm ci --no-audit --no-fund
	cd tools/mltcheck && npm ci --no-audit --no-fund && npm run build
	cd tools/h3check && npm ci --no-audit --no-fund
	cd tools/pmtilescheck && npm ci --no-audit --no-fund
	cd tools/oascheck && npm ci --no-audit --no-fund
	cd tools/cql2check && npm ci --no-audit --no-fund
	cd viewer/e2e && npm ci --no-audit --no-fund

run: build
	./$(BIN) serve

vet:
	$(GO) vet ./...

# All tests: unit, integration (PostGIS, browser, binary, race binary), short
# fuzz seeds. Output goes through tools/testsummary, which prints failures as
# they come and ends with a summary naming every skipped test; the raw
# `go test -json` stream is kept in var/test.json.
test: build $(RACE_BIN) tools vet
	@mkdir -p var bin
	@$(GO) build -o bin/testsummary ./tools/testsummary
	@( BANDO_RACE_BIN=$(abspath $(RACE_BIN)) $(GO) test -json -count=1 -timeout 20m ./... ; echo $$? > var/test.rc; \
	   $(GO) test -json -race -count=1 -short ./spatial/ ./spatial/hex/ ./store/ ./tiles/ ./api/ ; echo $$? >> var/test.rc ) \
	 | bin/testsummary -json var/test.json; s=$$?; \
	 for rc in $$(cat var/test.rc); do [ "$$rc" = 0 ] || s=1; done; exit $$s

test-race:
	$(GO) test -race -count=1 ./spatial/ ./spatial/hex/ ./store/ ./tiles/ ./api/

# Go benchmarks (hot paths) and the 1M-parcel bulk benchmark table.
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./spatial/ ./spatial/hex/ ./store/ ./tiles/ ./ingest/ ./data/gen/ ./quality/
	$(GO) test -run '^$$' -bench BulkIngest -benchtime 3x ./cmd/bando/
	$(GO) run ./cmd/bandobench --bin $(BIN) --n 1000000

# Issue 6's side-by-side table: the questions on 1,000,000 points and the
# 168 communes, bando vs PostGIS on the same machine (needs BANDO_TEST_PG;
# loading PostGIS takes about a minute); then bando's H3 count of 1M points
# and an indicator recomputed after 1,000 changed houses, by themselves.
.PHONY: bench-query
bench-query:
	{ $(GO) test ./spatial/query/ -run '^$$' -bench VsPostGIS -benchtime 3s; \
	  $(GO) test ./spatial/hex/ ./indicators/ -run '^$$' -bench Targets -benchtime 10x; } | $(GO) run ./tools/benchtable

# bando against PostGIS (in-process and over HTTP), nginx, ogr2ogr: one table,
# also written to var/bench-core.md. BENCH_CORE_FLAGS=-quick for a short run.
# The live twin: 10,000 vessels, 1,000 zones, every rule on; one table
# (in-process and HTTP updates/s, SSE alert latency, week-long track).
bench-twin:
	$(GO) run ./cmd/benchtwin $(BENCH_TWIN_FLAGS)

bench-core: build
	$(GO) run ./cmd/benchcore -bin $(BIN) -out var/bench-core.md $(BENCH_CORE_FLAGS)

# Issue 7's tile table: the same side-by-side rounds on tiles only, zooms
# 6–18 (PostGIS ST_AsMVT through pgx, nginx for cached tiles), with the z14
# parcel p99 and the province-wide z8 parcel tiles; also var/bench-tiles.md.
# BENCH_TILES_FLAGS=-quick for a short run.
.PHONY: bench-tiles
bench-tiles: build
	$(GO) run ./cmd/benchcore -suite tiles -bin $(BIN) -out var/bench-tiles.md $(BENCH_TILES_FLAGS)

# Issue 11's bulk load: a seeded synthetic 1,000,000-parcel Shapefile in
# VN-2000 TM-3 (written by ogr2ogr, not timed), loaded durably by
# `bando ingest` into a fresh data directory and by ogr2ogr into PostGIS
# (PG_USE_COPY=YES) on the same machine; features/s and the ratio.
# BENCH_INGEST_FLAGS=-quick for 100,000 parcels in 3 rounds (-rounds N: medians).
.PHONY: bench-ingest
# PostGIS as the store (issue 10): 1,000,000 parcels COPYed in and loaded
# into an index (a replica's start), and the lag from a write's commit to
# another replica's feed under 64 concurrent writers. Needs BANDO_TEST_PG.
.PHONY: bench-postgis
bench-postgis:
	BANDO_PG_BENCH_N=$${BANDO_PG_BENCH_N:-1000000} $(GO) test ./store/postgis/ -run '^$$' -bench CopyAndLoad -benchtime 1x
	BANDO_PG_BENCH_WRITERS=$${BANDO_PG_BENCH_WRITERS:-64} $(GO) test ./store/postgis/ -run '^$$' -bench FeedLag -benchtime 10000x

bench-ingest: build
	$(GO) run ./cmd/benchingest -bin $(BIN) $(BENCH_INGEST_FLAGS)

FUZZTIME ?= 30s
fuzz:
	@for p in ingest ingest/feeds tiles tiles/archive store spatial spatial/query spatial/hex api layers data/gen; do \
	  for f in $$($(GO) test -list '^Fuzz' ./$$p/ | grep ^Fuzz); do \
	    echo "== $$p $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./$$p/ || exit 1; \
	  done; done

clean:
	rm -rf bin

# The viewer's budgets (issue 9): wall time to idle, JS size without
# MapLibre, heap after a scene-rotation soak (BENCH_VIEWER_SOAK seconds;
# 1800 for the 30-minute version). Serves the demo from a fresh directory;
# the wall signs in with an internal token, so the soak has the live fleet.
BENCH_VIEWER_SOAK ?= 60
.PHONY: bench-viewer
bench-viewer: build
	cd viewer/web && node scripts/size.mjs
	@d=$$(mktemp -d); printf 'tokens:\n  - {name: wall, clearance: internal, sha256: %s}\n' $$(./$(BIN) hash-token bench-wall) > $$d/bando.yaml; \
	 ./$(BIN) serve --addr 127.0.0.1:18599 --data $$d/var --config $$d/bando.yaml > $$d/log 2>&1 & pid=$$!; \
	 for i in $$(seq 60); do curl -sf -o /dev/null http://127.0.0.1:18599/readyz && break; sleep 1; done; sleep 5; \
	 node viewer/e2e/bench.mjs http://127.0.0.1:18599/ --soak $(BENCH_VIEWER_SOAK) --token bench-wall; s=$$?; kill $$pid; rm -rf $$d; exit $$s
