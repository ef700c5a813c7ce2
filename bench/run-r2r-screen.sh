#!/bin/sh
# Screen of the 'noisy image + noise model' (R2R) denoiser (issue 21) on the ihcval case only (train on ihc.png top
# half x 0-383, PSNR on x 384-511): one JVM at a time, one per variant of VARIANTS ("name=noise;opts|..."), each
# training with a MINUTES budget (default 2) and scoring its model's test-time inputs (-Drq.ttr=true: the plain image
# and 8 / 16 / 32 recorrupted copies, all with 8 orientations). Prints rows and the 1-min load; writes nothing in bench/results.
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-/tmp/build-r2r}
[ -n "$SKIP_BUILD" ] || mvn -B -q -o package -DskipTests -Dae.build.dir=$BUILD
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" -sourcepath bench bench/RealQualityBench.java
export OPENBLAS_NUM_THREADS=1 TF_CPP_MIN_LOG_LEVEL=1
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=68719476736
DATA=${DATA:-/work/shared/data}
VARIANTS=${VARIANTS:-"g15=gaussian:sigma=15;"}
OLDIFS=$IFS; IFS='|'
for V in $VARIANTS; do
	IFS=$OLDIFS
	N=${V%%=*}; R=${V#*=}; NOISE=${R%%;*}; O=${R#*;}
	rm -rf $BUILD/work-$N; mkdir -p $BUILD/work-$N
	( while sleep 20; do cut -d' ' -f1 /proc/loadavg; done ) > $BUILD/load-$N.txt &
	LOADPID=$!
	START=$(date -u +%H:%M)
	java -Xmx3g -Djava.awt.headless=true -Drq.data=$DATA -Drq.work=$BUILD/work-$N -Drq.cases=ihcval -Drq.noises=$NOISE \
		-Drq.modes=${MODES:-recorrupted} -Drq.minutes=${MINUTES:-2} -Drq.ttr=true $O -cp "$BUILD/bench:$CP" RealQualityBench > $BUILD/work-$N.log 2>&1
	kill $LOADPID
	echo "== $N ($NOISE $O) $START-$(date -u +%H:%M), 1-min load every 20 s: $(sort -g $BUILD/load-$N.txt | sed -n '1p;$p' | paste -sd-)"
	grep -v "^case" $BUILD/work-$N/java-rows.tsv | grep -v "oracle median\|noisy	" | cut -f3-6
	grep "recorrupted: " $BUILD/work-$N.log || true
	IFS='|'
done
IFS=$OLDIFS
