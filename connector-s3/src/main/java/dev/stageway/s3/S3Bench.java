package dev.stageway.s3;

import dev.stageway.aws.S3Connection;
import dev.stageway.s3.transfer.ObjectOptions;
import dev.stageway.s3.transfer.ObjectUpload;
import dev.stageway.s3.transfer.RangedDownload;
import dev.stageway.s3.transfer.Transfers;
import dev.stageway.s3.transfer.UploadMemory;
import dev.stageway.aws.AwsSettings;
import dev.stageway.aws.RoleSessions;
import dev.stageway.spi.RunContext;
import dev.stageway.spi.bench.TransferBench;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.concurrent.ExecutorService;

/**
 * The connector's side of {@code stageway bench}: one timed transfer through the real upload and
 * download code. Its methods take and return JDK types only, so a host can call them across the
 * plugin's class loader. Not an API for data movement: use the connectors for that.
 */
public final class S3Bench implements TransferBench {

    /** Uploads with the upload the S3 target and Redshift staging use. */
    @Override
    public double upload(Map<String, String> connection, String bucket, String key, long bytes, byte[] chunk,
                                long partSize, int concurrency) throws Exception {
        try (RoleSessions sessions = new RoleSessions();
             S3Connection c = S3Connection.open(new RunContext("bench", sessions), AwsSettings.parse(connection, Map.of(), "bench"),
                     concurrency)) {
            ExecutorService pool = Transfers.pool("bench-upload", concurrency);
            try {
                long start = System.nanoTime();
                ObjectUpload upload = new ObjectUpload(c.client(), bucket, key, ObjectOptions.PLAIN, partSize,
                        new UploadMemory(concurrency, partSize), pool);
                for (long written = 0; written < bytes; written += chunk.length) {
                    upload.write(chunk, 0, (int) Math.min(chunk.length, bytes - written));
                }
                upload.finish(true).commit();
                return (System.nanoTime() - start) / 1e9;
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** Reads with the S3 source's ranged download. */
    @Override
    public double download(Map<String, String> connection, String bucket, String key, long partSize, int concurrency)
            throws Exception {
        try (RoleSessions sessions = new RoleSessions();
             S3Connection c = S3Connection.open(new RunContext("bench", sessions), AwsSettings.parse(connection, Map.of(), "bench"),
                     concurrency)) {
            ExecutorService pool = Transfers.pool("bench-download", concurrency);
            try {
                long start = System.nanoTime();
                var head = c.client().headObject(b -> b.bucket(bucket).key(key));
                try (InputStream in = new RangedDownload(c.client(), bucket, key, head.eTag(), head.contentLength(), partSize,
                        concurrency, pool)) {
                    in.transferTo(OutputStream.nullOutputStream());
                }
                return (System.nanoTime() - start) / 1e9;
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
