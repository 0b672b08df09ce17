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
# private bus), python3-dbus and python3-gi (the Skype4Py-style client). tmux:
# the demo's terminal test (a real terminal to type into and read). baresip-core:
# the real SIP softphone the bridge tests call through. Packaging (make deb, and
# the tests that check the rules and the package): udev (udevadm), lintian and
# dpkg-dev (dpkg-shlibdeps).
DEB_PACKAGES := qemu-system-x86 busybox-static usbip kmod \
                pkg-config portaudio19-dev jackd2 libusb-1.0-0-dev \
                dbus-daemon python3-dbus python3-gi tmux baresip-core \
                udev lintian dpkg-dev

# The Debian kernel the in-VM tests boot, unpacked (not installed) here.
KERNEL_CACHE := .cache/kernel

# PortAudio's Go binding passes a stream id to C as a pointer, which the race
# detector's pointer checks reject; switch those checks off for that package
# only.
RACEFLAGS   := -race -gcflags=github.com/gordonklaus/portaudio=-d=checkptr=0

.DEFAULT_GOAL := help

.PHONY: help
help: ## List the targets.
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  %-14s %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: deps
deps: ## Install the Debian packages the build and tests need (idempotent).
	@scripts/deps.sh $(DEB_PACKAGES)

.PHONY: build
build: deps ## Build handsetd, phonesim, phoneapi-host and handsetd-probe into bin/.
	$(GO) build -o $(BIN)/ ./cmd/... ./udev/handsetd-probe

# Where `make install` puts things. PREFIX /usr (distributions, make deb) and
# /usr/local are directories udev and systemd search, so the rules and the
# user unit go under PREFIX; any other PREFIX puts them in /etc.
PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      ?= $(PREFIX)/bin
UDEVDIR     ?= $(PREFIX)/lib/udev
SYSTEM_PREFIX := $(filter /usr /usr/local,$(PREFIX))
UDEVRULESDIR ?= $(if $(SYSTEM_PREFIX),$(PREFIX)/lib/udev/rules.d,/etc/udev/rules.d)
USERUNITDIR ?= $(if $(SYSTEM_PREFIX),$(PREFIX)/lib/systemd/user,/etc/systemd/user)
DOCDIR      ?= $(PREFIX)/share/doc/handsetd
INSTALL_BINS := handsetd phonesim phoneapi-host
# udev runs a bare program name from /usr/lib/udev; anywhere else the rules
# name the probe by its path.
PROBE_IN_RULES := $(if $(filter /usr/lib/udev /lib/udev,$(UDEVDIR)),handsetd-probe,$(UDEVDIR)/handsetd-probe)

.PHONY: install
install: build install-files ## Build, then install the programs, the udev rules and probe, and the systemd user unit (PREFIX=/usr/local, DESTDIR).

.PHONY: install-files
install-files: ## `make install` without building: copy what bin/ holds.
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(UDEVDIR) $(DESTDIR)$(UDEVRULESDIR) $(DESTDIR)$(USERUNITDIR) $(DESTDIR)$(DOCDIR)
	install -m 0755 $(addprefix $(BIN)/,$(INSTALL_BINS)) $(DESTDIR)$(BINDIR)/
	install -m 0755 $(BIN)/handsetd-probe $(DESTDIR)$(UDEVDIR)/
	sed 's|IMPORT{program}="handsetd-probe |IMPORT{program}="$(PROBE_IN_RULES) |' udev/70-handsetd.rules > $(DESTDIR)$(UDEVRULESDIR)/70-handsetd.rules
	chmod 0644 $(DESTDIR)$(UDEVRULESDIR)/70-handsetd.rules
	sed 's|^ExecStart=/usr/bin/handsetd |ExecStart=$(BINDIR)/handsetd |' udev/handsetd.service > $(DESTDIR)$(USERUNITDIR)/handsetd.service
	chmod 0644 $(DESTDIR)$(USERUNITDIR)/handsetd.service
	install -m 0644 README.md $(DESTDIR)$(DOCDIR)/
	@$(MAKE) --no-print-directory udev-reload
	@[ -n "$(DESTDIR)" ] || echo "install: done. Replug the handset; to start handsetd at login: systemctl --user daemon-reload && systemctl --user enable --now handsetd"

.PHONY: uninstall
uninstall: ## Remove what `make install` installed (same PREFIX and DESTDIR).
	rm -f $(addprefix $(DESTDIR)$(BINDIR)/,$(INSTALL_BINS)) $(DESTDIR)$(UDEVDIR)/handsetd-probe \
		$(DESTDIR)$(UDEVRULESDIR)/70-handsetd.rules $(DESTDIR)$(USERUNITDIR)/handsetd.service $(DESTDIR)$(DOCDIR)/README.md
	@rmdir $(DESTDIR)$(DOCDIR) 2>/dev/null || true
	@$(MAKE) --no-print-directory udev-reload

# Reloads udev's rules and replays the events of USB and hidraw devices, so
# a plugged-in handset gets its permissions now; only on this machine (no
# DESTDIR), and only where udev runs.
.PHONY: udev-reload
udev-reload: ## Reload udev's rules and re-apply them to plugged-in handsets (nothing under DESTDIR, or without udevd).
	@if [ -z "$(DESTDIR)" ] && command -v udevadm >/dev/null; then \
		if udevadm control --reload 2>/dev/null; then \
			udevadm trigger --action=change --subsystem-match=usb --subsystem-match=hidraw; \
		else echo "udev-reload: udevd is not running here; the rules apply when it starts"; fi; \
	fi

.PHONY: deb
deb: deps ## Build the Debian package bin/handsetd_VERSION_ARCH.deb (apt install ./bin/handsetd_*.deb) and run lintian on it.
	@GO=$(GO) scripts/deb.sh $(BIN)

# The host `make run` drives a real handset for (HOST=stream:unix:PATH for
# another one).
HOST        ?= dbus

.PHONY: run
run: build ## Drive the handsets plugged in (for HOST, default dbus); with none plugged in, the simulated one (interactive demo).
	@if $(BIN)/handsetd list --audio=false 2>/dev/null | grep -q '^  profile:'; then \
		echo "make run: a supported handset is plugged in: driving it for the host $(HOST) (handsetd run --device auto --host $(HOST))"; \
		exec $(BIN)/handsetd run --device auto --host $(HOST); \
	else \
		echo "make run: no supported handset is plugged in (handsetd list): running the simulated one (handsetd demo)"; \
		exec $(BIN)/handsetd demo; \
	fi

.PHONY: screenshots
screenshots: deps ## Draw the interactive demo's screen (in tmux, mid-call) as docs/demo.svg for the README.
	@mkdir -p docs
	HANDSETD_SCREENSHOT=$(CURDIR)/docs/demo.svg $(GO) test -count=1 -run '^TestDemoInTerminal$$' ./cmd/handsetd

.PHONY: lint
lint: ## gofmt and go vet.
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet ./...

.PHONY: test
test: deps kernel lint ## Lint, then the whole suite with the race detector (the in-VM tests included).
	$(GO) test $(RACEFLAGS) -count=1 -timeout 8m $$($(GO) list ./... | grep -v -e /internal/vmtest -e /firmware-sim/kerneltest)
	$(GO) test $(RACEFLAGS) -count=1 -timeout 8m -p 1 $(VM_PACKAGES)

# The packages whose tests boot a VM: one VM per package. `make test` runs
# them after the rest, not beside it: an emulated guest starved by the
# parallel demos and softphone tests reset its USB/IP devices and missed
# timing bounds, and those tests in turn missed theirs. The VM packages
# run one after the other too (-p 1): three emulated guests on two cores
# once stalled a guest job until the watchdog powered it off.
VM_PACKAGES := ./internal/vmtest ./firmware-sim/kerneltest

.PHONY: kernel
kernel: deps ## Download and prepare Debian's kernel for the in-VM tests (cached in .cache/kernel).
	@scripts/vmkernel.sh $(KERNEL_CACHE)

.PHONY: test-kernel
test-kernel: deps kernel ## Only the tests that run a real Linux kernel in qemu (USB/IP, hidraw, the yealink and cm109 drivers).
	$(GO) test $(RACEFLAGS) -count=1 -timeout 10m -v $(VM_PACKAGES)

.PHONY: test-hotplug
test-hotplug: deps kernel ## In the VM: 20 usbip replugs each of a HID telephony handset and a CM109 under handsetd --device auto (built without -race, as users run it): each telephony replug announced ≤ 300 ms after its uevent, the CM109's median.
	HANDSETD_VM_REPLUGS=20 $(GO) test -count=1 -timeout 12m -v -run 'TestKernelHandsetdAuto|TestKernelHandsetdFollowsItsNode' ./firmware-sim/kerneltest

.PHONY: soak
soak: deps ## Long runs kept out of `make test`: 500 host restarts mid-ring, mid-call and idle (SOAK_ROUNDS), 1 000 000 key events, 1 000 replugs, 100 000 notifications on a strict bus, a stuck host, garbage.
	HANDSETD_SOAK_ROUNDS=$(or $(SOAK_ROUNDS),500) HANDSETD_SOAK_KEYS=1000000 HANDSETD_SOAK_REPLUGS=1000 \
		$(GO) test $(RACEFLAGS) -count=1 -timeout 60m -v \
		-run 'TestHostRestarts|TestKeyStormInOrder|TestReplugCyclesStable|TestHostThatCannotKeepUp|TestGarbageFromHostSurvived' ./internal/e2e
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
