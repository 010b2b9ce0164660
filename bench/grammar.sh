#!/usr/bin/env bash
# The grammar-mask benchmark (model/src/test/java/dev/quill/model/bench/GrammarMaskBenchmark.java): what
# constrained decoding adds per step for a deep JSON schema over a 50,257-token vocabulary, at batch 1 and
# 16, and that cost as a share of a decode step of GPT-2 small (random weights, written on first use to
# model/target/bench-models). Log: model/target/bench/grammar-*.log.
#
#   bench/grammar.sh                 # PyTorch's default intra-op threads (the CLI's)
#   THREADS=1 bench/grammar.sh
set -euo pipefail
cd "$(dirname "$0")/.."
out=model/target/bench
mkdir -p "$out"
log="$out/grammar-$(date +%Y%m%d-%H%M%S).log"
export MAVEN_OPTS=${MAVEN_OPTS:--Xmx3g}
./mvnw -q -B -pl model test-compile
echo "### $(date -Is), load average before: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$log"
./mvnw -q -B -pl model exec:java -Dexec.classpathScope=test \
    -Dexec.mainClass=dev.quill.model.bench.GrammarMaskBenchmark \
    -Dorg.slf4j.simpleLogger.defaultLogLevel=error ${THREADS:+-Dquill.threads=$THREADS} 2>&1 | tee -a "$log"
echo "log: $log"
