#!/usr/bin/env bash
# Builds web/dist/ (committed, embedded by the Go package) from web/src/ and
# the pinned maplibre-gl: npm ci, then build.mjs. Needs node and the npm
# registry; `go run ./cmd/landplan serve` needs neither.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --silent --no-audit --no-fund
node build.mjs
