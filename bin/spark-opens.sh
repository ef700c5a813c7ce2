# Sourced (not run) by bin/autoencoder and the Spark bench scripts: sets OPENS to the JVM module flags that
# spark-submit adds on Java 17, for Spark in local mode inside our own JVM. One list; the tests' copy is
# SparkLocalTest.addOpens().
OPENS="-XX:+IgnoreUnrecognizedVMOptions"
for p in java.lang java.lang.invoke java.lang.reflect java.io java.net java.nio java.util java.util.concurrent \
         java.util.concurrent.atomic jdk.internal.ref sun.nio.ch sun.nio.cs sun.security.action sun.util.calendar; do
  OPENS="$OPENS --add-opens=java.base/$p=ALL-UNNAMED"
done
