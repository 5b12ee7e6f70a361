package dev.stageway.s3;

import dev.stageway.aws.AwsSettings;
import dev.stageway.s3.S3Properties.Encryption;
import dev.stageway.testkit.DefaultSandbox;
import dev.stageway.testkit.Sandbox;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;

/**
 * Prints the throughput of a 512 MiB upload and download through the connector's S3 transfer
 * code against the in-memory sandbox, next to one plain PutObject / GetObject of the same bytes
 * with the same client in the same run. Run:
 * {@code ./mvnw -q -pl connector-s3 exec:java -Dexec.classpathScope=test -Dexec.mainClass=dev.stageway.s3.TransferThroughput}
 */
public final class TransferThroughput {
    private TransferThroughput() {
    }

    static final int MIB = 1024 * 1024;

    public static void main(String[] args) throws Exception {
        int total = 512 * MIB;
        long partSize = 8L * MIB;
        int concurrency = args.length > 0 ? Integer.parseInt(args[0]) : 4;
        byte[] chunk = new byte[MIB];
        new Random(1).nextBytes(chunk);
        try (Sandbox sandbox = Sandbox.start(); var sessions = new dev.stageway.aws.RoleSessions()) {
            Map<String, String> props = Map.of("aws.region", sandbox.region(), "aws.sts.endpoint", sandbox.stsEndpoint().toString(),
                    "aws.s3.endpoint", sandbox.s3Endpoint().toString(), "aws.s3.path-style-access", "true",
                    "aws.access-key-id", DefaultSandbox.AGENT_ACCESS_KEY_ID, "aws.secret-access-key", DefaultSandbox.AGENT_SECRET_ACCESS_KEY,
                    "aws.role-arn", DefaultSandbox.roleArn(DefaultSandbox.CUSTOMER_ACCOUNT, DefaultSandbox.CUSTOMER_ROLE),
                    "aws.external-id", DefaultSandbox.CUSTOMER_EXTERNAL_ID);
            String bucket = DefaultSandbox.CUSTOMER_BUCKET;
            try (S3Connection c = S3Connection.open(new dev.stageway.spi.RunContext("bench", sessions),
                    AwsSettings.parse(props, Map.of(), "bench"), concurrency)) {
                ExecutorService pool = Transfers.pool("bench", concurrency);
                for (int round = 0; round < 3; round++) {   // round 0 warms up the JVM and the sandbox
                    long t0 = System.nanoTime();
                    ObjectUpload up = new ObjectUpload(c.client(), bucket, "bench/multipart.bin", Encryption.NONE, Optional.empty(),
                            partSize, concurrency, pool);
                    for (int i = 0; i < total / MIB; i++) {
                        up.write(chunk);
                    }
                    up.finish(false).commit();
                    double upload = rate(total, t0);

                    t0 = System.nanoTime();
                    c.client().putObject(b -> b.bucket(bucket).key("bench/single.bin"),
                            RequestBody.fromContentProvider(() -> new RepeatingStream(chunk, total), total, "application/octet-stream"));
                    double single = rate(total, t0);

                    var head = c.client().headObject(b -> b.bucket(bucket).key("bench/multipart.bin"));
                    t0 = System.nanoTime();
                    long read;
                    try (InputStream in = new RangedDownload(c.client(), bucket, "bench/multipart.bin", head.eTag(),
                            head.contentLength(), partSize, concurrency, pool)) {
                        read = in.transferTo(java.io.OutputStream.nullOutputStream());
                    }
                    double download = rate(read, t0);

                    t0 = System.nanoTime();
                    long singleRead = c.client().getObject(b -> b.bucket(bucket).key("bench/single.bin"),
                            ResponseTransformer.toInputStream()).transferTo(java.io.OutputStream.nullOutputStream());
                    double singleDownload = rate(singleRead, t0);
                    if (round > 0) {
                        System.out.printf("round %d, 512 MiB, 8 MiB parts x %d: upload %.0f MB/s (single PutObject %.0f MB/s, ratio %.2f); "
                                        + "download %.0f MB/s (single GetObject %.0f MB/s, ratio %.2f)%n", round, concurrency, upload,
                                single, upload / single, download, singleDownload, download / singleDownload);
                    }
                }
                pool.shutdownNow();
            }
        }
    }

    static double rate(long bytes, long startNanos) {
        return bytes / 1e6 / ((System.nanoTime() - startNanos) / 1e9);
    }

    /** {@code total} bytes made of {@code chunk} repeated, without holding them all. */
    static final class RepeatingStream extends InputStream {
        private final byte[] chunk;
        private long left;
        private int pos;

        RepeatingStream(byte[] chunk, long total) {
            this.chunk = chunk;
            this.left = total;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(Math.min(len, left), chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos = (pos + n) % chunk.length;
            left -= n;
            return n;
        }
    }
}
