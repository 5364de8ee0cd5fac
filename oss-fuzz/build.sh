#!/bin/bash -eu
# OSS-Fuzz build: the logic lives in the pgdfuzz tree (shared with
# .clusterfuzzlite/build.sh) so the two cannot drift apart.
exec "$SRC/pgdfuzz/scripts/oss-fuzz-build.sh"
