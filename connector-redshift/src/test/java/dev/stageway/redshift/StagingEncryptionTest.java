package dev.stageway.redshift;

import static dev.stageway.redshift.RedshiftFixture.props;
import static dev.stageway.testkit.DefaultSandbox.*;
import static org.junit.jupiter.api.Assertions.*;

import dev.stageway.error.StagewayException;
import dev.stageway.spi.Column;
import dev.stageway.spi.ColumnType;
import dev.stageway.spi.Schema;
import dev.stageway.testkit.Sandbox;
import dev.stageway.testkit.SandboxConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Staging in a bucket whose policy refuses any object not encrypted with SSE-KMS: loads and UNLOAD work only when asked to encrypt. */
class StagingEncryptionTest {
    static final String KMS_ONLY = "customer-kms-staging";
    static final Schema TWO = Schema.of(Column.of("id", ColumnType.of(ColumnType.Kind.INTEGER)), Column.of("name", ColumnType.string()));

    /** The default sandbox, plus a customer bucket that denies puts without SSE-KMS (AWS's usual "deny unencrypted uploads"). */
    static SandboxConfig config() {
        SandboxConfig base = dev.stageway.testkit.DefaultSandbox.config();
        List<SandboxConfig.Account> accounts = base.accounts().stream().map(a -> {
            if (!a.accountId().equals(CUSTOMER_ACCOUNT)) {
                return a;
            }
            List<SandboxConfig.Bucket> buckets = new ArrayList<>(a.buckets());
            buckets.add(new SandboxConfig.Bucket(KMS_ONLY, Optional.of("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DenyUnencrypted\","
                    + "\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:PutObject\",\"Resource\":\"arn:aws:s3:::" + KMS_ONLY + "/*\","
                    + "\"Condition\":{\"StringNotEquals\":{\"s3:x-amz-server-side-encryption\":\"aws:kms\"}}}]}"), Optional.empty()));
            return new SandboxConfig.Account(a.accountId(), a.alias(), a.users(), a.roles(), buckets, a.keys());
        }).toList();
        return new SandboxConfig(base.region(), accounts, base.instanceProfile(), base.redshift());
    }

    @Test
    void stagingAndUnloadEncryptWithTheKeyWhereTheBucketRequiresIt() throws Exception {
        try (RedshiftFixture fx = new RedshiftFixture(Sandbox.builder().config(config()).withRedshift().build())) {
            // The customer's administrator: its own account's keys, allowed every bucket and the key by IAM.
            Map<String, String> connection = fx.connection();
            connection.keySet().removeAll(List.of("aws.role-arn", "aws.external-id"));
            connection.put("aws.access-key-id", CUSTOMER_ADMIN_ACCESS_KEY_ID);
            connection.put("aws.secret-access-key", CUSTOMER_ADMIN_SECRET_ACCESS_KEY);
            connection.put("aws.s3.endpoint", fx.sandbox.s3TlsEndpoint().toString());
            connection.put("aws.ca-bundle", dev.stageway.testkit.s3.SandboxCertificate.caBundle().toString());
            connection.put("redshift.staging-path", KMS_ONLY + "/stageway/");
            List<Object[]> rows = List.of(new Object[] {1, "a"}, new Object[] {2, "b"});

            StagewayException plain = assertThrows(StagewayException.class, () -> fx.load(connection, props("redshift.table", "enc"),
                    TWO, rows));
            assertTrue(plain.getMessage().contains(KMS_ONLY) && plain.getMessage().contains("explicit deny"), plain.getMessage());

            connection.put("redshift.staging.sse", "sse-kms");
            connection.put("redshift.staging.kms-key-id", customerKeyArn());
            assertEquals(2L, fx.load(connection, props("redshift.table", "enc"), TWO, rows).details().get("rows loaded"));
            assertEquals(2, fx.read(connection, props("redshift.table", "enc")).size(), "UNLOAD wrote with the key too");
        }
    }
}
