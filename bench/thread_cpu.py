#!/usr/bin/python3
"""CPU seconds of a command's JVM by thread group (bench/results/scale.md, Spark against one JVM).

Usage: bench/thread_cpu.py LOG command...  runs the command (which must exec the JVM, not fork it), with its
output in LOG; snapshots /proc/PID/task/*/stat every 0.1 s and prints the CPU seconds (user + system) per
thread-name group over the whole run and from the moment LOG shows "tiles of [" (the CLI's line before the
tiles start) to the end. TensorFlow's native pool threads carry the process name ("java")."""
import collections, os, re, subprocess, sys, time

log = sys.argv[1]
p = subprocess.Popen(sys.argv[2:], stdout=open(log, 'w'), stderr=subprocess.STDOUT)
hz = os.sysconf('SC_CLK_TCK')
last, mark, marked_at, t0 = {}, None, None, time.time()
while p.poll() is None:
    try:
        for t in os.listdir('/proc/%d/task' % p.pid):
            try:
                s = open('/proc/%d/task/%s/stat' % (p.pid, t)).read()
                f = s[s.rindex(')') + 2:].split()
                last[t] = (s[s.index('(') + 1:s.rindex(')')], (int(f[11]) + int(f[12])) / hz)
            except OSError:
                pass
    except OSError:
        pass
    if mark is None and 'tiles of [' in open(log).read():
        mark, marked_at = dict(last), time.time()
    time.sleep(0.1)


def groups(base):
    g = collections.Counter()
    for t, (name, cpu) in last.items():
        g[re.sub(r'[-_ ]?#?\d+$', '', name)] += cpu - (base[t][1] if t in base else 0)
    return g


run, job = groups({}), groups(mark or {})
print('%-24s %8s %8s' % ('threads', 'run', 'tiles'))
for k, v in run.most_common(8):
    print('%-24s %7.1fs %7.1fs' % (k, v, job[k]))
print('%-24s %7.1fs %7.1fs   (tiles from the mark: %.1f s wall of %.1f)' % (
    'total', sum(run.values()), sum(job.values()), time.time() - (marked_at or t0), time.time() - t0))
