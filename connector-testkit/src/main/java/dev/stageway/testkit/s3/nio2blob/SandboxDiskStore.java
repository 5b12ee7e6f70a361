package dev.stageway.testkit.s3.nio2blob;

import java.nio.file.Files;
import java.nio.file.Path;
import org.gaul.s3proxy.nio2blob.AbstractNio2BlobStore;

/**
 * s3proxy's filesystem blob store, answering server-side encryption and bucket default
 * encryption as its in-memory store does: a sandbox reports the encryption S3 would, its bytes
 * rest unencrypted in a test directory either way. (s3proxy recognises its file-backed stores by
 * a package named {@code nio2blob}, which is why this class lives in one.)
 */
public final class SandboxDiskStore extends AbstractNio2BlobStore {

    public SandboxDiskStore(Path directory) {
        super(directory);
        if (!Files.isDirectory(directory)) {
            throw new IllegalArgumentException("sandbox data directory " + directory + " does not exist");
        }
    }

    @Override
    public boolean supportsServerSideEncryption() {
        return true;
    }

    @Override
    public boolean supportsBucketEncryption() {
        return true;
    }
}
