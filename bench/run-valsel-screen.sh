#!/bin/sh
# Screen of validation layout and model selection (issue 21) on the ihcval case: the same build runs, in
# parallel JVMs started together (same load), main's behaviour (strip, raw loss) and the variants given by
# VARIANTS ("name=opts|name=opts"). Prints per-variant rows (PSNR per channel) and the load; writes nothing in bench/results.
# Settings: NOISE (default poisson:peak=10), MINUTES (default 2), MODES (default supervised,recorrupted).
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-/tmp/build-valsel}
[ -n "$SKIP_BUILD" ] || mvn -B -q -o package -DskipTests -Dae.build.dir=$BUILD
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" -sourcepath bench bench/RealQualityBench.java
export OPENBLAS_NUM_THREADS=1 TF_CPP_MIN_LOG_LEVEL=1
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=68719476736
DATA=${DATA:-/work/shared/data}
VARIANTS=${VARIANTS:-"main=-Drq.valblocks=false -Drq.smooth=0|blocks=-Drq.valblocks=true -Drq.smooth=0|smooth=-Drq.valblocks=false -Drq.smooth=0.5 -Drq.minepochs=5|both=-Drq.valblocks=true -Drq.smooth=0.5 -Drq.minepochs=5"}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u +%H:%M)"
( while sleep 30; do cut -d' ' -f1 /proc/loadavg; done ) > $BUILD/load.txt &
LOADPID=$!
PIDS=""; NAMES=""
OLDIFS=$IFS; IFS='|'
for V in $VARIANTS; do
	IFS=$OLDIFS
	N=${V%%=*}; O=${V#*=}
	rm -rf $BUILD/work-$N; mkdir -p $BUILD/work-$N
	java -Xmx2g -Djava.awt.headless=true -Drq.data=$DATA -Drq.work=$BUILD/work-$N -Drq.cases=ihcval -Drq.noises=${NOISE:-poisson:peak=10} \
		-Drq.modes=${MODES:-supervised,recorrupted} -Drq.minutes=${MINUTES:-2} $O -cp "$BUILD/bench:$CP" RealQualityBench > $BUILD/work-$N.log 2>&1 &
	PIDS="$PIDS $!"; NAMES="$NAMES $N"; IFS='|'
done
IFS=$OLDIFS
for P in $PIDS; do wait $P; done
for N in $NAMES; do until grep -q "^rows in" $BUILD/work-$N.log 2>/dev/null; do sleep 5; done; done # (wait alone returned early here)
kill $LOADPID
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg); 1-min load every 30 s: $(sort -g $BUILD/load.txt | sed -n '1p;$p' | paste -sd-); $(date -u +%H:%M)"
for N in $NAMES; do echo "== $N"; grep -v "^case" $BUILD/work-$N/java-rows.tsv | grep -v "oracle median"; grep "ours\|: " $BUILD/work-$N.log | grep "Trained\|stop\|Stop" ; done
