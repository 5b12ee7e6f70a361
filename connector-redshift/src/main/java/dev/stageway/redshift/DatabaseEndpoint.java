package dev.stageway.redshift;

import dev.stageway.config.ParsedProperties;
import dev.stageway.config.Problem;
import dev.stageway.config.PropertyDescriptor;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an IAM database login asks credentials for: a provisioned cluster or a Serverless
 * workgroup (from {@code redshift.cluster-id} / {@code redshift.workgroup}, else from the JDBC
 * URL's host as AWS names endpoints), and the database of the JDBC URL.
 */
record DatabaseEndpoint(Kind kind, String name, String database) {
    enum Kind { CLUSTER, WORKGROUP }

    /** {@code <cluster>.<unique id>.<region>.redshift.amazonaws.com}. */
    private static final Pattern CLUSTER_HOST = Pattern.compile("([a-z][a-z0-9-]*)\\.[a-z0-9]+\\.[a-z0-9-]+\\.redshift\\.amazonaws\\.com(\\.cn)?",
            Pattern.CASE_INSENSITIVE);
    /** {@code <workgroup>.<account>.<region>.redshift-serverless.amazonaws.com}. */
    private static final Pattern WORKGROUP_HOST = Pattern.compile(
            "([a-z0-9-]+)\\.\\d{12}\\.[a-z0-9-]+\\.redshift-serverless\\.amazonaws\\.com(\\.cn)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern URL = Pattern.compile("jdbc:redshift://(\\[[^]]*]|[^:/?;]*)(?::\\d*)?(?:/([^?;]*))?.*", Pattern.DOTALL);
    private static final String DEFAULT_DATABASE = "dev";

    /** The endpoint of an IAM login with properties {@code p}, when they name one ({@link #problems} says why not). */
    static Optional<DatabaseEndpoint> of(ParsedProperties p) {
        Matcher url = URL.matcher(p.get(RedshiftProperties.JDBC_URL));
        String host = url.matches() ? url.group(1) : "";
        String database = url.matches() && url.group(2) != null && !url.group(2).isEmpty() ? url.group(2) : DEFAULT_DATABASE;
        boolean clusterSet = p.isSet(RedshiftProperties.CLUSTER_ID);
        boolean workgroupSet = p.isSet(RedshiftProperties.WORKGROUP);
        if (clusterSet && workgroupSet) {
            return Optional.empty();
        }
        if (clusterSet) {
            return Optional.of(new DatabaseEndpoint(Kind.CLUSTER, p.get(RedshiftProperties.CLUSTER_ID), database));
        }
        if (workgroupSet) {
            return Optional.of(new DatabaseEndpoint(Kind.WORKGROUP, p.get(RedshiftProperties.WORKGROUP), database));
        }
        Matcher cluster = CLUSTER_HOST.matcher(host);
        if (cluster.matches()) {
            return Optional.of(new DatabaseEndpoint(Kind.CLUSTER, cluster.group(1).toLowerCase(Locale.ROOT), database));
        }
        Matcher workgroup = WORKGROUP_HOST.matcher(host);
        return workgroup.matches()
                ? Optional.of(new DatabaseEndpoint(Kind.WORKGROUP, workgroup.group(1).toLowerCase(Locale.ROOT), database))
                : Optional.empty();
    }

    /** What keeps an IAM login with properties {@code p} from naming its endpoint, or asking for what it cannot do. */
    static List<Problem> problems(ParsedProperties p) {
        List<Problem> problems = new ArrayList<>();
        if (p.isSet(RedshiftProperties.CLUSTER_ID) && p.isSet(RedshiftProperties.WORKGROUP)) {
            return List.of(new Problem(List.of(RedshiftProperties.CLUSTER_ID.name(), RedshiftProperties.WORKGROUP.name()),
                    "set at most one: the provisioned cluster, or the Serverless workgroup"));
        }
        Optional<DatabaseEndpoint> endpoint = of(p);
        if (endpoint.isEmpty()) {
            return List.of(new Problem(List.of(RedshiftProperties.CLUSTER_ID.name(), RedshiftProperties.WORKGROUP.name(),
                    RedshiftProperties.JDBC_URL.name()), "one is required with redshift.auth=iam: the JDBC URL's host names neither "
                    + "a cluster (<cluster>.<id>.<region>.redshift.amazonaws.com) nor a workgroup "
                    + "(<workgroup>.<account>.<region>.redshift-serverless.amazonaws.com)"));
        }
        List<PropertyDescriptor<?>> userOnly = List.of(RedshiftProperties.AUTO_CREATE_USER, RedshiftProperties.DB_GROUPS);
        if (endpoint.get().kind() == Kind.WORKGROUP) {
            for (PropertyDescriptor<?> clusterOnly : List.of(RedshiftProperties.USER, RedshiftProperties.AUTO_CREATE_USER,
                    RedshiftProperties.DB_GROUPS)) {
                if (p.isSet(clusterOnly)) {
                    problems.add(new Problem(List.of(clusterOnly.name(), RedshiftProperties.AUTH.name()), "is not used with "
                            + "redshift.auth=iam on Serverless (workgroup " + endpoint.get().name() + "): it logs in as the IAM "
                            + "identity's own database user"));
                }
            }
        } else if (!p.isSet(RedshiftProperties.USER)) {
            for (PropertyDescriptor<?> d : userOnly) {
                if (p.isSet(d)) {
                    problems.add(new Problem(List.of(d.name(), RedshiftProperties.USER.name()), "is only used with redshift.user "
                            + "(GetClusterCredentials); without it the login is the IAM identity's own user"));
                }
            }
        }
        return problems;
    }
}
