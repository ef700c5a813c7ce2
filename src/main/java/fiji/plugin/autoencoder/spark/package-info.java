/**
 * Apache Spark jobs over the chunk grid of OME-Zarr images
 * ({@link fiji.plugin.autoencoder.spark.SparkDenoise}) with one model per
 * executor JVM ({@link fiji.plugin.autoencoder.spark.ExecutorModels}). Spark
 * is a provided dependency: the Fiji jar does not carry it; run through
 * {@code bin/autoencoder spark-denoise --master local[N]} or spark-submit with
 * the {@code -Pspark-assembly} jar. Only the CLI refers to this package.
 */
package fiji.plugin.autoencoder.spark;
