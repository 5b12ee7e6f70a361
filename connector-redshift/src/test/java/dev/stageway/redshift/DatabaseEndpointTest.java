package dev.stageway.redshift;

import static org.junit.jupiter.api.Assertions.*;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Where an IAM login goes, from the properties and the JDBC URL's host as AWS names endpoints. */
class DatabaseEndpointTest {
    static Map<String, String> iam(String url, String... more) {
        Map<String, String> p = new HashMap<>(Map.of("redshift.jdbc-url", url, "redshift.auth", "iam",
                "redshift.staging-path", "bucket/staging/"));
        for (int i = 0; i < more.length; i += 2) {
            p.put(more[i], more[i + 1]);
        }
        return p;
    }

    static Optional<DatabaseEndpoint> of(Map<String, String> p) {
        return DatabaseEndpoint.of(RedshiftProperties.CONNECTION.parse(p));
    }

    @Test
    void theHostNamesAClusterOrAWorkgroupAndThePathTheDatabase() {
        assertEquals(Optional.of(new DatabaseEndpoint(DatabaseEndpoint.Kind.CLUSTER, "analytics", "sales")),
                of(iam("jdbc:redshift://Analytics.c9xyz1.eu-west-1.redshift.amazonaws.com:5439/Sales?ssl=true")));
        assertEquals(Optional.of(new DatabaseEndpoint(DatabaseEndpoint.Kind.WORKGROUP, "etl-wg", "dev")),
                of(iam("jdbc:redshift://etl-wg.123456789012.us-east-1.redshift-serverless.amazonaws.com:5439")));
        assertEquals(Optional.of(new DatabaseEndpoint(DatabaseEndpoint.Kind.CLUSTER, "named", "dev")),
                of(iam("jdbc:redshift://127.0.0.1:5439/dev;ssl=false", "redshift.cluster-id", "named")));
        assertEquals(Optional.of(new DatabaseEndpoint(DatabaseEndpoint.Kind.WORKGROUP, "wg-1", "dev")),
                of(iam("jdbc:redshift://[::1]:5439/dev", "redshift.workgroup", "wg-1")));
    }

    @Test
    void problemsNameWhatIsMissingOrMisplacedWithoutFailingOnInvalidValues() {
        assertTrue(RedshiftProperties.CONNECTION.validate(iam("jdbc:redshift://10.0.0.5:5439/dev")).toString()
                .contains("one is required with redshift.auth=iam"));
        String invalid = RedshiftProperties.CONNECTION.validate(iam("jdbc:redshift://10.0.0.5/dev", "redshift.cluster-id", "My_Cluster"))
                .toString();
        assertTrue(invalid.contains("must be a cluster identifier") && !invalid.contains("one is required"), invalid);
        Map<String, String> noUrl = iam("x");
        noUrl.remove("redshift.jdbc-url");
        assertTrue(RedshiftProperties.CONNECTION.validate(noUrl).toString().contains("redshift.jdbc-url"));
        assertTrue(RedshiftProperties.CONNECTION.validate(iam("jdbc:redshift://h/dev", "redshift.cluster-id", "c",
                "redshift.workgroup", "wg-1")).toString().contains("set at most one"));
        assertTrue(RedshiftProperties.CONNECTION.validate(iam("jdbc:redshift://h/dev", "redshift.cluster-id", "c",
                "redshift.db-groups", "loaders")).toString().contains("is only used with redshift.user"));
        String password = RedshiftProperties.CONNECTION.validate(Map.of("redshift.jdbc-url", "jdbc:redshift://h/dev",
                "redshift.staging-path", "bucket/staging/", "redshift.workgroup", "wg-1")).toString();
        assertTrue(password.contains("redshift.user") && password.contains("redshift.password")
                && password.contains("is only used with redshift.auth=iam"), password);
    }
}
