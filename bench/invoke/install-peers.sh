#!/bin/sh
# Installs the benchmark's peers into an ignored cache folder, never into the project's own
# dependencies. Their install scripts are not run (none is needed to serve the handler).
set -e
cd "$(dirname "$0")/../.."
mkdir -p .cache/bench-peers
cd .cache/bench-peers
[ -f package.json ] || echo '{"name":"flourish-bench-peers","private":true}' > package.json
npm install --no-audit --no-fund lambda-local@2 serverless@3 serverless-offline@13 @architect/sandbox@8
