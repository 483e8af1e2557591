#!/usr/bin/env bash
# Every libFuzzer target (fuzz/fuzz_*.c: request paths and bodies,
# configuration, SSH public keys, Range headers, image JSON-patches, qcow2
# headers, boot specs) builds, replays its seeds (regressions included)
# and fuzzes a few seconds without a crash. Longer runs: make fuzz.
exec bash "$(dirname "$0")/../../fuzz/smoke.sh"
