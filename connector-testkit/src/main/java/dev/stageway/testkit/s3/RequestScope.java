package dev.stageway.testkit.s3;

import dev.stageway.testkit.iam.Identity;
import java.util.Optional;

/**
 * What the gateway decided about the request s3proxy is now serving, for the blob store that
 * serves it: who asked, how, and the encryption a write is to be stored with.
 *
 * @param kmsKeyArn for a write, the SSE-KMS key it is encrypted with (resolved, whether asked for
 *                  or the bucket's default); empty when not SSE-KMS
 */
record RequestScope(S3Request request, Optional<S3Authentication.Signed> signed, Identity identity, Optional<String> kmsKeyArn) {
}
