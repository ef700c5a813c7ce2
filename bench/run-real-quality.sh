#!/bin/sh
# Real-data denoising quality (issue 21): real images only (confocal z-stack slices as
# 3 channels, scikit-image's ihc RGB as 3 channels, optionally the nuclei images),
# test images never seen in training and of other brightness; Poisson noise at peak
# 10 and 30 photons and Gaussian noise; per channel: noisy, oracle Gaussian, oracle
# median, non-local means (oracle h, Anscombe for Poisson), ours supervised and ours
# self-supervised, each trained by a time budget. Writes the "## Denoising" section of
# bench/results/real-quality.md (other sections are kept).
# Settings: RQ_OPTS="-Drq.cases=confocal,ihc,nuclei -Drq.minutes=5 -Drq.noises=poisson:peak=10"
# (defaults: cases confocal,ihc; modes supervised,selfsupervised,recorrupted; 5 minutes per training);
# RQ_PARTS="-Drq.cases=confocal|-Drq.cases=ihc" runs parts in parallel JVMs and merges their rows.
set -e
cd "$(dirname "$0")/.."
BUILD=${BUILD:-/tmp/build-rqbench}
if [ -z "$SKIP_BUILD" ]; then
	mvn -B -q -o package -DskipTests -Dae.build.dir=$BUILD
fi
CP="$BUILD/fiji-autoencoder_-0.1.0-SNAPSHOT.jar:$BUILD/lib/*"
mkdir -p $BUILD/bench $BUILD/work
javac -proc:none -nowarn -d $BUILD/bench -cp "$CP" -sourcepath bench bench/RealQualityBench.java
export OPENBLAS_NUM_THREADS=1
export GLIBC_TUNABLES=glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=68719476736
export TF_CPP_MIN_LOG_LEVEL=1
DATA=${DATA:-$(pwd)/../shared/data}
[ -d "$DATA" ] || DATA=/work/shared/data
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
START=$(date +%s)
( while sleep 30; do cut -d' ' -f1 /proc/loadavg; done ) > $BUILD/load.txt &
LOADPID=$!
# stop the load sampler however the script ends (with set -e a failed JVM would leave it running, holding the caller)
trap 'kill $LOADPID 2>/dev/null' EXIT
if [ -z "$RQ_PARTS" ]; then
	java -Xmx4g -Djava.awt.headless=true -Drq.data=$DATA -Drq.work=$BUILD/work $RQ_OPTS -cp "$BUILD/bench:$CP" RealQualityBench
else
	# RQ_PARTS="opts1|opts2": that many JVMs at once (e.g. split by case), their rows merged
	rm -rf $BUILD/work/part*; I=0; PIDS=""
	OLDIFS=$IFS; IFS='|'
	for P in $RQ_PARTS; do
		I=$((I+1)); mkdir -p $BUILD/work/part$I
		IFS=$OLDIFS
		java -Xmx3g -Djava.awt.headless=true -Drq.data=$DATA -Drq.work=$BUILD/work/part$I $RQ_OPTS $P -cp "$BUILD/bench:$CP" RealQualityBench > $BUILD/work/part$I.log 2>&1 &
		PIDS="$PIDS $!"; IFS='|'
	done
	IFS=$OLDIFS
	for PID in $PIDS; do wait $PID; done
	head -n 1 $BUILD/work/part1/java-rows.tsv > $BUILD/work/java-rows.tsv
	for D in $BUILD/work/part*/; do tail -n +2 $D/java-rows.tsv >> $BUILD/work/java-rows.tsv; cp $D/*.f32 $BUILD/work/; done
	cat $BUILD/work/part*.log
fi
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)
kill $LOADPID 2>/dev/null || true
LOAD_RANGE=$(sort -g $BUILD/load.txt | sed -n '1p;$p' | paste -sd' ')
MIN=$(( ( $(date +%s) - START ) / 60 ))
HEADER="Run: \`bench/run-real-quality.sh\` ${RQ_OPTS:+(RQ_OPTS=\"$RQ_OPTS\") }${RQ_PARTS:+(RQ_PARTS=\"$RQ_PARTS\", in parallel JVMs) }on $(nproc) cores, $MIN min in all, $(date -u +%Y-%m-%d); load average before $LOAD_BEFORE, after $LOAD_AFTER, 1-min load sampled every 30 s from $(echo $LOAD_RANGE | cut -d' ' -f1) to $(echo $LOAD_RANGE | cut -d' ' -f2) (other helpers shared the machine). PSNR in dB with data range 255 (8-bit sources), per channel; noise seed 2026."
/usr/bin/python3 bench/real_quality_nlm.py $BUILD/work bench/results/real-quality.md "$HEADER"
