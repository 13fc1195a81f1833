# The front door: `make demo` installs what is missing, builds in release and runs the main job
# on the bundled demo plant; `make test` runs every test; `make docs-check` runs the README's
# commands as written; `make bench` prints the benchmarks.
SWIFT ?= swift
DEB_PACKAGES := libassimp-dev libpng-dev libsqlite3-dev libmosquitto-dev mosquitto mosquitto-clients pkg-config python3-jsonschema
TWIN := .build/release/twin

.PHONY: demo scenarios changes test docs-check bench deps build assets clean

# Installs the Debian packages the build needs, only those that are missing (root or sudo).
deps:
	@missing=""; for p in $(DEB_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  if [ "$$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi; \
	  $$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q $$missing; \
	fi

# BUILT=1 (set by demo for the targets it runs after its own build) skips building again.
build: deps
	@if [ -z "$(BUILT)" ]; then echo "$(SWIFT) build -c release"; $(SWIFT) build -c release; fi

# The main job on the demo plant: describe it, then render the plan and iso views with the
# machine states and AGV poses of Assets/demo/state.json into Renders/.
demo: build
	$(TWIN) info Assets/demo/plant.yaml
	$(TWIN) render Assets/demo/plant.yaml --camera plan --state Assets/demo/state.json -o Renders/demo-plan.png --timings
	$(TWIN) render Assets/demo/plant.yaml --camera iso --state Assets/demo/state.json -o Renders/demo-iso.png --timings
	$(TWIN) render Assets/demo/plant.yaml --camera block-1 --state Assets/demo/state.json --aa 8 -o Renders/demo-block-1.png
	$(TWIN) check Assets/demo/plant.yaml --image Renders/demo-check.png
	@echo "wrote Renders/demo-plan.png, Renders/demo-iso.png, Renders/demo-block-1.png, Renders/demo-check.png"
	$(MAKE) --no-print-directory scenarios changes BUILT=1

# The two layout changes of Assets/changes, validated: their reports and images into
# Renders/changes/. The second breaks rules on purpose (exit status 1), as a pipeline would see.
changes: build
	@mkdir -p Renders/changes
	$(TWIN) validate Assets/demo/plant.yaml Assets/changes/respace-line-1.yaml --report Renders/changes/respace-line-1.md --image Renders/changes/respace-line-1.png
	$(TWIN) validate Assets/demo/plant.yaml Assets/changes/block-the-loop.yaml --report Renders/changes/block-the-loop.md --image Renders/changes/block-the-loop.png; \
	  status=$$?; if [ $$status -ne 1 ]; then echo "block-the-loop: expected exit status 1, got $$status"; exit 1; fi

# The three scenarios of Assets/scenarios, their frames and reports into Renders/scenarios/. The
# layout change fails its assertion on purpose (exit status 1): that is the gate it demonstrates.
scenarios: build
	$(TWIN) run Assets/scenarios/shift-start.yaml -o Renders/scenarios/shift-start
	$(TWIN) run Assets/scenarios/machine-fault.yaml -o Renders/scenarios/machine-fault
	$(TWIN) report Assets/demo/plant.yaml --db Renders/scenarios/shift-start/history.sqlite --line LINE-1 --md Renders/scenarios/shift-start/production.md
	$(TWIN) report Assets/demo/plant.yaml --db Renders/scenarios/machine-fault/history.sqlite --line LINE-2 --md Renders/scenarios/machine-fault/production.md
	$(TWIN) run Assets/scenarios/layout-change.yaml -o Renders/scenarios/layout-change; \
	  status=$$?; if [ $$status -ne 1 ]; then echo "layout-change: expected exit status 1, got $$status"; exit 1; fi

test: deps
	$(SWIFT) build
	$(SWIFT) test

# Every `twin` command of the README, run as written in a scratch copy of Assets/, with the output
# the pages show compared (also part of `make test`).
docs-check: deps
	$(SWIFT) build
	$(SWIFT) test --filter DocsCheckTests

bench: build
	$(TWIN) bench load
	$(TWIN) bench render
	$(TWIN) bench collision
	$(TWIN) bench state
	$(TWIN) bench validate
	$(TWIN) bench sync
	$(TWIN) bench plan

# Regenerates the committed demo plant (deterministic: the files only change with the generator).
assets: build
	$(TWIN) generate demo -o Assets/demo

clean:
	rm -rf .build Assets/demo-large
