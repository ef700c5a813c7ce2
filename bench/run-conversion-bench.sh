#!/usr/bin/env bash
# Builds the project and runs bench/ConversionBench (about 30 s).
# Usage: bash bench/run-conversion-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=/tmp/build-bench
mvn -B -q package -DskipTests -Dae.build.dir="$BUILD"
mvn -B -q dependency:build-classpath -Dae.build.dir="$BUILD" -Dmdep.outputFile="$BUILD/classpath.txt" >/dev/null
CP="$BUILD/classes:$(cat "$BUILD/classpath.txt")"
mkdir -p "$BUILD/bench-classes"
javac -proc:none -d "$BUILD/bench-classes" -cp "$CP" bench/ConversionBench.java
java -Xmx4g -Djava.awt.headless=true -cp "$BUILD/bench-classes:$CP" ConversionBench
