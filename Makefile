# handsetd — make targets mirror CI: `.ci/run` calls `make test` and nothing else.
#
# `make help` lists every target.

GO          ?= go
BIN         := bin
GOFLAGS     ?= -mod=readonly
export GOFLAGS

# Debian packages the build and the tests need. Later capabilities add theirs
# here (libusb, PortAudio, dbus, jackd, qemu...). `make deps` installs only the
# ones missing, so it is cheap to run every time. D-Bus tests: dbus-daemon (a
# private bus), python3-dbus and python3-gi (the Skype4Py-style client).
DEB_PACKAGES := qemu-system-x86 busybox-static usbip kmod \
                pkg-config portaudio19-dev jackd2 \
                dbus-daemon python3-dbus python3-gi

# The Debian kernel the in-VM tests boot, unpacked (not installed) here.
KERNEL_CACHE := .cache/kernel

# PortAudio's Go binding passes a stream id to C as a pointer, which the race
# detector's pointer checks reject; switch those checks off for that package
# only.
RACEFLAGS   := -race -gcflags=github.com/gordonklaus/portaudio=-d=checkptr=0

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-12s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: deps
deps: ## Install the Debian packages the build and tests need (idempotent).
	@scripts/deps.sh $(DEB_PACKAGES)

.PHONY: build
build: deps ## Build handsetd, phonesim and phoneapi-host into bin/.
	$(GO) build -o $(BIN)/ ./cmd/...

.PHONY: run
run: build ## Run the driver; with no handset plugged in, the simulated one (interactive demo).
	$(BIN)/handsetd demo

.PHONY: lint
lint: ## gofmt and go vet.
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

.PHONY: test
test: deps kernel lint ## Lint, then the whole suite with the race detector (the in-VM tests included).
	$(GO) test $(RACEFLAGS) -count=1 -timeout 12m ./...

# The packages whose tests boot a VM: one VM per package.
VM_PACKAGES := ./internal/vmtest ./firmware-sim/kerneltest

.PHONY: kernel
kernel: deps ## Download and prepare Debian's kernel for the in-VM tests (cached in .cache/kernel).
	@scripts/vmkernel.sh $(KERNEL_CACHE)

.PHONY: test-kernel
test-kernel: deps kernel ## Only the tests that run a real Linux kernel in qemu (USB/IP, hidraw, the yealink and cm109 drivers).
	$(GO) test $(RACEFLAGS) -count=1 -timeout 5m -v $(VM_PACKAGES)

.PHONY: soak
soak: deps ## Long runs kept out of `make test`: 500 host restarts mid-call (SOAK_ROUNDS), 1 000 000 key events, 1 000 replugs, 100 000 notifications on a strict bus, a stuck host, garbage.
	HANDSETD_SOAK_ROUNDS=$(or $(SOAK_ROUNDS),500) HANDSETD_SOAK_KEYS=1000000 HANDSETD_SOAK_REPLUGS=1000 \
		$(GO) test $(RACEFLAGS) -count=1 -timeout 60m -v \
		-run 'TestHostRestartsMidCall|TestKeyStormInOrder|TestReplugCyclesStable|TestHostThatCannotKeepUp|TestGarbageFromHostSurvived' ./internal/e2e
	HANDSETD_FLOOD_NOTIFICATIONS=100000 $(GO) test $(RACEFLAGS) -count=1 -timeout 30m -v \
		-run 'TestNotificationFloodAppliedInOrder|TestInvokesStayBelowTheBusLimit' ./phoneapi/dbus

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZTIME each (default 10m); not part of `make test`. The log (bin/fuzz.txt) goes into BENCHMARKS.md.
	@mkdir -p $(BIN)
	@scripts/fuzz.sh $(or $(FUZZTIME),10m) 2>&1 | tee $(BIN)/fuzz.txt

.PHONY: bench
bench: deps ## Micro-benchmarks, then cmd/handsetd-bench: latency ratios, idle, scale, start-up into BENCHMARKS.md (BENCH_SHORT=1: brief).
	@mkdir -p $(BIN)
	$(GO) test -run '^$$' -bench . -benchmem ./... | tee $(BIN)/micro-bench.txt
	$(GO) run ./cmd/handsetd-bench -micro $(BIN)/micro-bench.txt -fuzz $(BIN)/fuzz.txt -out BENCHMARKS.md

.PHONY: clean
clean: ## Remove build output.
	rm -rf $(BIN)
