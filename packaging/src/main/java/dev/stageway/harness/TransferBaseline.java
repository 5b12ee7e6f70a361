package dev.stageway.harness;

import static dev.stageway.harness.Bench.CONCURRENCY;
import static dev.stageway.harness.Bench.MIB;
import static dev.stageway.harness.Bench.PART_SIZE;
import static dev.stageway.harness.BenchStatistics.figure;
import static dev.stageway.harness.BenchStatistics.pair;
import static dev.stageway.harness.BenchStatistics.seconds;
import static dev.stageway.testkit.DefaultSandbox.*;

import dev.stageway.harness.BenchStatistics.Figure;
import dev.stageway.spi.bench.TransferBench;
import dev.stageway.testkit.Sandbox;
import dev.stageway.testkit.s3.SandboxCertificate;
import java.io.InputStream;
import java.security.GeneralSecurityException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.async.SdkPublisher;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.DownloadRequest;

/** The upload and download figures: the plugin's transfers against the SDK's S3 Transfer Manager, in the same JVM. */
final class TransferBaseline {
    private TransferBaseline() {
    }

    /** Upload and download of {@code size} bytes: ours against the SDK's Transfer Manager, median of {@code rounds}. */
    static List<Figure> measure(Sandbox sandbox, TransferBench ours, Map<String, String> connection, long size, int rounds)
            throws Exception {
        byte[] chunk = new byte[MIB];
        new Random(42).nextBytes(chunk);
        ExecutorService feed = Executors.newFixedThreadPool(2);
        // Uploads: the Java multipart client (the CRT client cannot read s3proxy's CreateMultipartUpload answer).
        // Downloads: the CRT client's ranged GETs (the Java client's part-number GETs are not in s3proxy).
        try (S3AsyncClient javaClient = S3AsyncClient.builder().region(Region.of(sandbox.region()))
                .endpointOverride(sandbox.s3TlsEndpoint()).forcePathStyle(true).credentialsProvider(ADMIN)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder().tlsTrustManagersProvider(TransferBaseline::sandboxTrust))
                .multipartEnabled(true).multipartConfiguration(m -> m.minimumPartSizeInBytes(PART_SIZE).thresholdInBytes(PART_SIZE))
                .build();
             S3AsyncClient crtClient = crtClient(sandbox);
             S3TransferManager tm = S3TransferManager.builder().s3Client(javaClient).build();
             S3TransferManager tmDownloads = S3TransferManager.builder().s3Client(crtClient).build()) {
            double[] oursUp = new double[rounds];
            double[] theirs = new double[rounds];
            double[] oursDown = new double[rounds];
            double[] theirsDown = new double[rounds];
            Callable<Double> ourUpload = () -> ours.upload(connection, CUSTOMER_BUCKET, "bench/ours.bin", size, chunk, PART_SIZE,
                    CONCURRENCY);
            Callable<Double> tmUp = () -> seconds(() -> tm.upload(u -> u.putObjectRequest(p -> p.bucket(CUSTOMER_BUCKET).key("bench/tm.bin"))
                    .requestBody(AsyncRequestBody.fromInputStream(new Repeating(chunk, size), size, feed))).completionFuture().join());
            Callable<Double> ourDownload = () -> ours.download(connection, CUSTOMER_BUCKET, "bench/ours.bin", PART_SIZE, CONCURRENCY);
            Callable<Double> tmDown = () -> seconds(() -> tmDownloads.download(DownloadRequest.builder()
                            .getObjectRequest(g -> g.bucket(CUSTOMER_BUCKET).key("bench/ours.bin"))
                            .responseTransformer(AsyncResponseTransformer.<GetObjectResponse>toPublisher()).build())
                    .completionFuture().thenCompose(result -> drain(result.result())).join());
            for (int r = -1; r < rounds; r++) {   // round -1 warms up both sides
                double[] up = pair(r, ourUpload, tmUp);
                double[] down = pair(r, ourDownload, tmDown);
                if (r >= 0) {
                    oursUp[r] = size / 1e6 / up[0];
                    theirs[r] = size / 1e6 / up[1];
                    oursDown[r] = size / 1e6 / down[0];
                    theirsDown[r] = size / 1e6 / down[1];
                }
            }
            return List.of(figure("upload", oursUp, "MB/s", theirs, ">= 1.0"), figure("download", oursDown, "MB/s", theirsDown, ">= 1.0"));
        } finally {
            Bench.remove(sandbox, "bench/");
            feed.shutdownNow();
        }
    }
    /** The CRT client the Transfer Manager reads with, as the customer's admin: 8 MiB parts, {@link Bench#CONCURRENCY} connections. */
    static S3AsyncClient crtClient(Sandbox sandbox) {
        return S3AsyncClient.crtBuilder().region(Region.of(sandbox.region()))
                .endpointOverride(sandbox.s3TlsEndpoint()).forcePathStyle(true).credentialsProvider(ADMIN)
                .minimumPartSizeInBytes(PART_SIZE).maxConcurrency(CONCURRENCY).targetThroughputInGbps(20.0)
                // The CRT client cannot be handed a trust store: it skips the check, which changes no figure.
                .httpConfiguration(h -> h.trustAllCertificatesEnabled(true)).build();
    }

    static final StaticCredentialsProvider ADMIN = StaticCredentialsProvider.create(AwsBasicCredentials.create(
            CUSTOMER_ADMIN_ACCESS_KEY_ID, CUSTOMER_ADMIN_SECRET_ACCESS_KEY));

    /** The Transfer Manager's client trusts the sandbox's certificate, as the plugin's does through aws.ca-bundle. */
    private static TrustManager[] sandboxTrust() {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(SandboxCertificate.trustStore());
            return factory.getTrustManagers();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot trust the sandbox certificate", e);
        }
    }

    /** Consumes a download's bytes and discards them, as the connector's side does. */
    private static CompletableFuture<Void> drain(SdkPublisher<ByteBuffer> publisher) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        publisher.subscribe(new Subscriber<ByteBuffer>() {
            private Subscription subscription;

            @Override
            public void onSubscribe(Subscription s) {
                subscription = s;
                s.request(Long.MAX_VALUE);
            }

            @Override
            public void onNext(ByteBuffer b) {
                b.position(b.limit());
            }

            @Override
            public void onError(Throwable t) {
                done.completeExceptionally(t);
            }

            @Override
            public void onComplete() {
                done.complete(null);
            }
        });
        return done;
    }

    /** {@code total} bytes of {@code chunk} repeated, without holding them all. */
    static final class Repeating extends InputStream {
        private final byte[] chunk;
        private long left;
        private int pos;

        Repeating(byte[] chunk, long total) {
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
