package dev.stageway.redshift;

import dev.stageway.config.ParsedProperties;
import dev.stageway.config.Problem;
import dev.stageway.config.PropertyDescriptor;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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

    /**
     * The endpoint of an IAM login with properties {@code p}, when they name one: empty when they
     * name none, or both, or when a value it depends on is missing or invalid ({@link #problems}
     * says which).
     */
    static Optional<DatabaseEndpoint> of(ParsedProperties p) {
        Optional<String> url = p.find(RedshiftProperties.JDBC_URL);
        Matcher m = URL.matcher(url.orElse(""));
        if (!m.matches() || invalid(p, RedshiftProperties.CLUSTER_ID) || invalid(p, RedshiftProperties.WORKGROUP)) {
            return Optional.empty();
        }
        String host = m.group(1);
        String database = m.group(2) != null && !m.group(2).isEmpty()
                ? URLDecoder.decode(m.group(2), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT) : DEFAULT_DATABASE;
        Optional<String> cluster = p.find(RedshiftProperties.CLUSTER_ID);
        Optional<String> workgroup = p.find(RedshiftProperties.WORKGROUP);
        if (cluster.isPresent() && workgroup.isPresent()) {
            return Optional.empty();
        }
        if (cluster.isPresent()) {
            return Optional.of(new DatabaseEndpoint(Kind.CLUSTER, cluster.get(), database));
        }
        if (workgroup.isPresent()) {
            return Optional.of(new DatabaseEndpoint(Kind.WORKGROUP, workgroup.get(), database));
        }
        Matcher clusterHost = CLUSTER_HOST.matcher(host);
        if (clusterHost.matches()) {
            return Optional.of(new DatabaseEndpoint(Kind.CLUSTER, clusterHost.group(1).toLowerCase(Locale.ROOT), database));
        }
        Matcher workgroupHost = WORKGROUP_HOST.matcher(host);
        return workgroupHost.matches()
                ? Optional.of(new DatabaseEndpoint(Kind.WORKGROUP, workgroupHost.group(1).toLowerCase(Locale.ROOT), database))
                : Optional.empty();
    }

    /** Given, but not a valid value: its own problem is reported already. */
    private static boolean invalid(ParsedProperties p, PropertyDescriptor<?> property) {
        return p.isSet(property) && p.find(property).isEmpty();
    }

    /** What keeps an IAM login with properties {@code p} from naming its endpoint, or asking for what it cannot do. */
    static List<Problem> problems(ParsedProperties p) {
        if (p.find(RedshiftProperties.JDBC_URL).isEmpty() || invalid(p, RedshiftProperties.CLUSTER_ID)
                || invalid(p, RedshiftProperties.WORKGROUP)) {
            return List.of();   // their own problems say what to fix first
        }
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
        boolean serverless = endpoint.get().kind() == Kind.WORKGROUP;
        List<Problem> problems = new ArrayList<>();
        for (PropertyDescriptor<?> d : List.of(RedshiftProperties.USER, RedshiftProperties.AUTO_CREATE_USER, RedshiftProperties.DB_GROUPS)) {
            if (!p.isSet(d)) {
                continue;
            }
            if (serverless) {
                problems.add(new Problem(List.of(d.name(), RedshiftProperties.AUTH.name()), "is not used with redshift.auth=iam on "
                        + "Serverless (workgroup " + endpoint.get().name() + "): it logs in as the IAM identity's own database user"));
            } else if (d != RedshiftProperties.USER && !p.isSet(RedshiftProperties.USER)) {
                problems.add(new Problem(List.of(d.name(), RedshiftProperties.USER.name()), "is only used with redshift.user "
                        + "(GetClusterCredentials); without it the login is the IAM identity's own user"));
            }
        }
        return problems;
    }
}
