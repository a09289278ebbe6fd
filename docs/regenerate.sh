#!/bin/sh
# Regenerate the pictures the README shows (docs/*.svg) from the packaged rule base.
# Run from anywhere, with switchadvisor installed: sh docs/regenerate.sh
set -eu
cd "$(dirname "$0")/.."
unset NO_COLOR SWITCHADVISOR_RULES || true
export FORCE_COLOR=1  # colour and Unicode glyphs, as on a terminal
switchadvisor matrix --width 100 --export docs/matrix.svg >/dev/null
switchadvisor matrix --by-class --width 100 --export docs/matrix-by-class.svg >/dev/null
switchadvisor timeline --from fingolimod --to cladribine --weeks-since-stop 7.7 --width 80 \
    --export docs/timeline-fingolimod-cladribine.svg >/dev/null
switchadvisor options --from fingolimod --width 100 --export docs/options-fingolimod.svg \
    >/dev/null
switchadvisor check --from fingolimod --to cladribine --what-if lymphocytes=0.2..2.0:0.2 \
    --width 100 --export docs/what-if-lymphocytes.svg >/dev/null
echo "docs/*.svg regenerated"
