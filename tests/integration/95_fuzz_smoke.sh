#!/usr/bin/env bash
# The libFuzzer targets for the request path, body, configuration and boot
# spec parsers build, replay their seeds (regressions included) and fuzz a
# few seconds each without a crash. Longer runs: make fuzz.
exec bash "$(dirname "$0")/../../fuzz/smoke.sh"
