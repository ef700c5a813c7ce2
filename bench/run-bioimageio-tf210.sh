#!/bin/bash
# Must-show 2: an exported bioimage.io package runs in deepImageJ's TensorFlow 2 engine (JDLL: TensorFlow Java 0.5.0 = TF 2.10),
# in a separate JVM, and reproduces the package's test output. Run from the repository root after `mvn -B -q package -DskipTests`.
set -euo pipefail
cd "$(dirname "$0")/.."
W=$(mktemp -d); trap 'rm -rf "$W"' EXIT
CP="target/classes:target/lib/*"
javac -d "$W/cls" -cp "$CP" bench/Tf210Export.java
java -cp "$W/cls:$CP" Tf210Export "$W"
( cd bench/tf210 && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$W/cp210.txt" >/dev/null )
javac -d "$W/cls210" -cp "$(cat "$W/cp210.txt")" bench/tf210/src/main/java/Tf210Check.java
mkdir "$W/pkg" && (cd "$W/pkg" && unzip -q ../denoiser.bioimageio.zip && mkdir sm && cd sm && unzip -q ../tf_saved_model_bundle.zip)
# preprocessing (scale_linear, as the rdf says) with numpy, the network in TF 2.10, postprocessing, comparison
/usr/bin/python3 - "$W" pre <<'PY'
import sys, numpy as np, yaml
w = sys.argv[1]; rdf = yaml.safe_load(open(w + '/pkg/rdf.yaml'))
x = np.load(w + '/pkg/test_input.npy').astype(np.float32)
for op in rdf['inputs'][0]['preprocessing']:
    assert op['id'] == 'scale_linear', op; x = (x * np.float32(op['kwargs']['gain']) + np.float32(op['kwargs']['offset'])).astype(np.float32)
x.astype('<f4').tofile(w + '/in.f32'); print(*x.shape[1:])
PY
read H WD C < <(/usr/bin/python3 - "$W" <<'PY'
import sys, numpy as np; print(*np.load(sys.argv[1] + '/pkg/test_input.npy').shape[1:])
PY
)
java -cp "$W/cls210:$(cat "$W/cp210.txt")" Tf210Check "$W/pkg/sm" "$W/in.f32" "$H" "$WD" "$C" "$W/out.f32"
/usr/bin/python3 - "$W" <<'PY'
import sys, numpy as np, yaml
w = sys.argv[1]; rdf = yaml.safe_load(open(w + '/pkg/rdf.yaml'))
e = np.load(w + '/pkg/test_output.npy'); y = np.fromfile(w + '/out.f32', '<f4').reshape(e.shape)
for op in rdf['outputs'][0]['postprocessing']:
    y = y * op['kwargs']['gain'] + op['kwargs']['offset']
d = float(np.abs(y - e).max()); print('TF 2.10 (TF Java 0.5.0) vs package test output: max |diff| %.3g on %s, values up to %.1f -> %s' % (d, e.shape, float(np.abs(e).max()), 'PASS' if d <= 1e-4 * max(1, float(np.abs(e).max())) else 'FAIL'))
PY
