/**
 * A small OME-Zarr 0.4 / Zarr v2 codec in plain Java ({@code java.util.zip},
 * Gson): {@link fiji.plugin.autoencoder.zarr.ZarrArray} reads and writes whole
 * chunks (dtypes u1, u2, i4, f4; compressors none, zlib, gzip; both dimension
 * separators; atomic chunk writes; missing chunks read as fill_value) and
 * {@link fiji.plugin.autoencoder.zarr.OmeZarr} the multiscales metadata. Tested
 * against python3-zarr. Depends on nothing else in the plugin.
 */
package fiji.plugin.autoencoder.zarr;
