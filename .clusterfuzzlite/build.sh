#!/bin/bash -eu
# ClusterFuzzLite build: the logic lives in the pgdfuzz tree (shared with
# oss-fuzz/build.sh) so the two cannot drift apart.
exec "$SRC/pgdfuzz/scripts/oss-fuzz-build.sh"
