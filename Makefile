# bando — build, run, test, bench. `make run` and `make test` are the README's
# two set-up commands.
GO        ?= go
BIN       := bin/bando
VERSION   := $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS   := -X main.version=$(VERSION)
VIEWER_SRC := $(shell find viewer/web/src viewer/web/index.html viewer/web/package.json viewer/web/scripts -type f 2>/dev/null)

.PHONY: build run test test-go test-race viewer tools bench bench-go fuzz vet clean

build: $(BIN)

$(BIN): viewer/dist/index.html $(shell find . -name '*.go' -not -path './viewer/web/*' 2>/dev/null) go.mod go.sum
	@mkdir -p bin
	$(GO) build -ldflags "$(LDFLAGS)" -o $(BIN) ./cmd/bando

# The built viewer is committed so `go build` works without npm; this
# rebuilds it when its sources change.
viewer/dist/index.html: $(VIEWER_SRC)
	cd viewer/web && npm ci --no-audit --no-fund && npm run build

viewer: viewer/dist/index.html

# Node tools the tests use as independent checkers (MVT decoder, browser).
tools:
	cd tools/mvtcheck && npm ci --no-audit --no-fund
	cd viewer/e2e && npm ci --no-audit --no-fund

run: build
	./$(BIN) serve

vet:
	$(GO) vet ./...

# All tests: unit, integration (PostGIS, browser, binary), short fuzz seeds.
test: build tools vet
	$(GO) test -count=1 -timeout 20m ./...
	$(GO) test -race -count=1 -short ./spatial/ ./store/ ./tiles/ ./api/

test-race:
	$(GO) test -race -count=1 ./spatial/ ./store/ ./tiles/ ./api/

# Go benchmarks (hot paths) and the 1M-parcel bulk benchmark table.
bench: build
	$(GO) test -run '^$$' -bench . -benchmem ./spatial/ ./store/ ./tiles/ ./ingest/ ./data/gen/
	$(GO) test -run '^$$' -bench BulkIngest -benchtime 3x ./cmd/bando/
	$(GO) run ./cmd/bandobench --bin $(BIN) --n 1000000

FUZZTIME ?= 30s
fuzz:
	@for p in ingest tiles store; do \
	  for f in $$($(GO) test -list '^Fuzz' ./$$p/ | grep ^Fuzz); do \
	    echo "== $$p $$f"; $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) ./$$p/ || exit 1; \
	  done; done

clean:
	rm -rf bin
