package dev.stageway.spi.bench;

import java.util.Map;

/**
 * The plugin's side of a transfer benchmark, found with {@link java.util.ServiceLoader} in the
 * plugin's class loader: one timed transfer through the connector's own upload and download code.
 * JDK types only, so it crosses the loader boundary. Not an API for moving data: the connectors are.
 */
public interface TransferBench {

    /** Uploads {@code bytes} (a repeated chunk) to bucket/key; returns seconds. */
    double upload(Map<String, String> connection, String bucket, String key, long bytes, byte[] chunk, long partSize,
                  int concurrency) throws Exception;

    /** Reads bucket/key with ranged GETs; returns seconds. */
    double download(Map<String, String> connection, String bucket, String key, long partSize, int concurrency) throws Exception;
}
