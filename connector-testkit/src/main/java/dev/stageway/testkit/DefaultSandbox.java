package dev.stageway.testkit;

import dev.stageway.testkit.redshift.RedshiftStandIn;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The typical multi-tenant picture: an agent account (its IAM user, its EC2 instance role and
 * its staging bucket) serving two customers, each with a role that trusts the agent account
 * only with that customer's External Id, and buckets the agent's own identity cannot read.
 * Every identity has least privilege: the actions the connectors use on the folders they use
 * (the secure bucket's by prefix), the customer's KMS key for its encrypted bucket, and a role
 * for IAM_ROLE loads that trusts Redshift and reads and writes the staging bucket only. The
 * customer's role may also log in to the customer's cluster and workgroup as itself (IAM login).
 */
public final class DefaultSandbox {
    private DefaultSandbox() {
    }

    public static final String REGION = "us-east-1";

    public static final String AGENT_ACCOUNT = "111122223333";
    public static final String AGENT_USER = "stageway-agent";
    public static final String AGENT_ACCESS_KEY_ID = "AKIASANDBOXAGENT0001";
    public static final String AGENT_SECRET_ACCESS_KEY = "sAnDbOx/AgEnT/9fK2pQ7rT4vX8zB1nM5cL3hJ6d";
    public static final String AGENT_BUCKET = "agent-staging";
    public static final String INSTANCE_ROLE = "stageway-agent-instance";
    public static final String INSTANCE_ID = "i-0sandbox00000001";
    /** A role in the agent's own account that trusts the agent user by name, without External Id. */
    public static final String SAME_ACCOUNT_ROLE = "stageway-same-account";

    public static final String CUSTOMER_ACCOUNT = "444455556666";
    public static final String CUSTOMER_ROLE = "stageway-customer-access";
    public static final String CUSTOMER_EXTERNAL_ID = "customer-4455-ext-7f3a";
    public static final long CUSTOMER_ROLE_MAX_SESSION = 7200;
    public static final String CUSTOMER_BUCKET = "customer-data";
    public static final String CUSTOMER_STAGING_BUCKET = "customer-staging";
    /** Encrypted by default with the customer's KMS key; its policy refuses puts that would use another. */
    public static final String CUSTOMER_SECURE_BUCKET = "customer-secure";
    /** The folder of {@link #CUSTOMER_SECURE_BUCKET} the customer's role may use. */
    public static final String CUSTOMER_SECURE_PREFIX = "stageway/";
    public static final String CUSTOMER_KMS_KEY_ID = "5c0f3a7e-8d2b-4e61-9a47-2b6d8e1f4c35";
    public static final String CUSTOMER_KMS_ALIAS = "alias/customer-data";
    public static final String CUSTOMER_ADMIN_ACCESS_KEY_ID = "AKIASANDBOXCUSTADMIN";
    public static final String CUSTOMER_ADMIN_SECRET_ACCESS_KEY = "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";
    public static final String REDSHIFT_ROLE = "stageway-redshift-copy";
    public static final String REDSHIFT_CLUSTER = "sandbox-cluster";
    public static final String REDSHIFT_USER = "awsuser";
    public static final String REDSHIFT_PASSWORD = "Sandbox-Redshift-Pw1";
    public static final int REDSHIFT_SLICES = 4;
    public static final String REDSHIFT_WORKGROUP = "sandbox-workgroup";

    public static final String TENANT_B_ACCOUNT = "777788889999";
    public static final String TENANT_B_ROLE = "stageway-tenant-b-access";
    public static final String TENANT_B_EXTERNAL_ID = "tenant-b-ext-0c91";
    public static final String TENANT_B_BUCKET = "tenant-b-data";

    public static String roleArn(String account, String name) {
        return "arn:aws:iam::" + account + ":role/" + name;
    }

    public static SandboxConfig config() {
        SandboxConfig.Account agent = new SandboxConfig.Account(AGENT_ACCOUNT, "agent",
                List.of(new SandboxConfig.User(AGENT_USER, AGENT_ACCESS_KEY_ID, AGENT_SECRET_ACCESS_KEY,
                        policy(assumeStagewayRoles(), folder(AGENT_BUCKET, "")))),
                List.of(new SandboxConfig.RoleSpec(INSTANCE_ROLE, 3600, trustService("ec2.amazonaws.com"),
                                policy(assumeStagewayRoles(), folder(AGENT_BUCKET, ""))),
                        new SandboxConfig.RoleSpec(SAME_ACCOUNT_ROLE, 3600,
                                trustAws("arn:aws:iam::" + AGENT_ACCOUNT + ":user/" + AGENT_USER, Optional.empty()),
                                policy(folder(AGENT_BUCKET, "")))),
                List.of(new SandboxConfig.Bucket(AGENT_BUCKET, Optional.empty(), Optional.empty())), List.of());
        SandboxConfig.Account customer = new SandboxConfig.Account(CUSTOMER_ACCOUNT, "customer",
                List.of(new SandboxConfig.User("customer-admin", CUSTOMER_ADMIN_ACCESS_KEY_ID, CUSTOMER_ADMIN_SECRET_ACCESS_KEY,
                        policy("{\"Effect\":\"Allow\",\"Action\":[\"s3:*\",\"kms:*\",\"redshift:*\",\"redshift-serverless:*\"],"
                                + "\"Resource\":\"*\"}"))),
                List.of(new SandboxConfig.RoleSpec(CUSTOMER_ROLE, CUSTOMER_ROLE_MAX_SESSION,
                                trustAws("arn:aws:iam::" + AGENT_ACCOUNT + ":root", Optional.of(CUSTOMER_EXTERNAL_ID)),
                                policy(folder(CUSTOMER_BUCKET, ""), folder(CUSTOMER_STAGING_BUCKET, ""),
                                        folder(CUSTOMER_SECURE_BUCKET, CUSTOMER_SECURE_PREFIX), useKey(customerKeyArn()),
                                        iamDatabaseLogin())),
                        new SandboxConfig.RoleSpec(REDSHIFT_ROLE, 3600, trustService("redshift.amazonaws.com"),
                                policy(list(CUSTOMER_STAGING_BUCKET, ""), statement("s3:GetObject", objects(CUSTOMER_STAGING_BUCKET, "")),
                                        statement("s3:PutObject", objects(CUSTOMER_STAGING_BUCKET, ""))))),
                List.of(new SandboxConfig.Bucket(CUSTOMER_BUCKET, Optional.empty(), Optional.empty()),
                        new SandboxConfig.Bucket(CUSTOMER_STAGING_BUCKET, Optional.empty(), Optional.empty()),
                        new SandboxConfig.Bucket(CUSTOMER_SECURE_BUCKET, Optional.of(onlyWithKey(CUSTOMER_SECURE_BUCKET, customerKeyArn())),
                                Optional.of(new SandboxConfig.BucketEncryption("aws:kms", Optional.of(CUSTOMER_KMS_KEY_ID))))),
                List.of(new SandboxConfig.KmsKeySpec(CUSTOMER_KMS_KEY_ID, List.of(CUSTOMER_KMS_ALIAS), policy("{\"Sid\":\"EnableIamPolicies\","
                        + "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::" + CUSTOMER_ACCOUNT + ":root\"},\"Action\":\"kms:*\","
                        + "\"Resource\":\"*\"}"), true)));
        SandboxConfig.Account tenantB = new SandboxConfig.Account(TENANT_B_ACCOUNT, "tenant-b",
                List.of(),
                List.of(new SandboxConfig.RoleSpec(TENANT_B_ROLE, 3600,
                        trustAws("arn:aws:iam::" + AGENT_ACCOUNT + ":root", Optional.of(TENANT_B_EXTERNAL_ID)),
                        policy(folder(TENANT_B_BUCKET, "")))),
                List.of(new SandboxConfig.Bucket(TENANT_B_BUCKET, Optional.empty(), Optional.empty())), List.of());
        return new SandboxConfig(REGION, List.of(agent, customer, tenantB),
                Optional.of(new SandboxConfig.InstanceProfile(roleArn(AGENT_ACCOUNT, INSTANCE_ROLE), INSTANCE_ID)),
                Optional.of(CLUSTER));
    }

    /** The customer's cluster (in the customer's account) and the workgroup the same database serves as. */
    private static final SandboxConfig.RedshiftCluster CLUSTER = new SandboxConfig.RedshiftCluster(REDSHIFT_CLUSTER, CUSTOMER_ACCOUNT,
            REDSHIFT_USER, REDSHIFT_PASSWORD, List.of(roleArn(CUSTOMER_ACCOUNT, REDSHIFT_ROLE)),
            Optional.of(roleArn(CUSTOMER_ACCOUNT, REDSHIFT_ROLE)), REDSHIFT_SLICES, REDSHIFT_WORKGROUP);

    /** Logging in to the cluster's database and to the workgroup as the IAM identity itself (IAM:/IAMR: users). */
    private static String iamDatabaseLogin() {
        return statement("redshift:GetClusterCredentialsWithIAM", CLUSTER.resourceArn(REGION, "dbname", RedshiftStandIn.DATABASE)) + ","
                + statement("redshift-serverless:GetCredentials", CLUSTER.workgroupArn(REGION));
    }

    /** An S3 client of the customer's administrator (who owns the customer's buckets), over plain HTTP. */
    public static S3Client customerAdminS3(Sandbox sandbox) {
        return S3Client.builder().region(Region.of(sandbox.region())).endpointOverride(sandbox.s3Endpoint()).forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(CUSTOMER_ADMIN_ACCESS_KEY_ID,
                        CUSTOMER_ADMIN_SECRET_ACCESS_KEY))).build();
    }

    /** Tenants beyond the default ones, as many as a test asks for: tenant n has its own account, role, External Id and bucket. */
    public static String tenantAccount(int n) {
        return String.format("7000000%05d", n);
    }

    public static String tenantRoleArn(int n) {
        return roleArn(tenantAccount(n), "stageway-tenant");
    }

    public static String tenantExternalId(int n) {
        return "tenant-" + n + "-external-id";
    }

    public static String tenantBucket(int n) {
        return "tenant-" + n + "-data";
    }

    /** The default sandbox with {@code count} more tenants (1 to count), each trusting the agent with its own External Id. */
    public static SandboxConfig withTenants(int count) {
        SandboxConfig base = config();
        List<SandboxConfig.Account> accounts = new java.util.ArrayList<>(base.accounts());
        for (int n = 1; n <= count; n++) {
            accounts.add(new SandboxConfig.Account(tenantAccount(n), "tenant-" + n, List.of(),
                    List.of(new SandboxConfig.RoleSpec("stageway-tenant", 3600,
                            trustAws("arn:aws:iam::" + AGENT_ACCOUNT + ":root", Optional.of(tenantExternalId(n))),
                            policy(folder(tenantBucket(n), "")))),
                    List.of(new SandboxConfig.Bucket(tenantBucket(n), Optional.empty(), Optional.empty())), List.of()));
        }
        return new SandboxConfig(base.region(), accounts, base.instanceProfile(), base.redshift());
    }

    /** The customer's KMS key, which {@link #CUSTOMER_SECURE_BUCKET} encrypts with by default. */
    public static String customerKeyArn() {
        return "arn:aws:kms:" + REGION + ":" + CUSTOMER_ACCOUNT + ":key/" + CUSTOMER_KMS_KEY_ID;
    }

    private static String policy(String... statements) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[" + String.join(",", statements) + "]}";
    }

    private static String statement(String action, String resource) {
        return "{\"Effect\":\"Allow\",\"Action\":\"" + action + "\",\"Resource\":\"" + resource + "\"}";
    }

    /** The agent may assume Stageway roles in any account (each trusts it only with its own External Id). */
    private static String assumeStagewayRoles() {
        return statement("sts:AssumeRole", "arn:aws:iam::*:role/stageway-*");
    }

    private static String objects(String bucket, String prefix) {
        return "arn:aws:s3:::" + bucket + "/" + prefix + "*";
    }

    /** Listing the bucket, limited to the prefix when there is one (s3:prefix is supplied to s3:ListBucket only). */
    private static String list(String bucket, String prefix) {
        return "{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"arn:aws:s3:::" + bucket + "\""
                + (prefix.isEmpty() ? "" : ",\"Condition\":{\"StringLike\":{\"s3:prefix\":\"" + prefix + "*\"}}") + "}";
    }

    /**
     * What the connectors do in a folder, and nothing more: list, read, write, abort their
     * uploads, delete; and, on its bucket, what cleanup and the connection check need: list the
     * open uploads, read the lifecycle rules (neither action can be limited to a prefix).
     */
    private static String folder(String bucket, String prefix) {
        return list(bucket, prefix) + ",{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:PutObject\",\"s3:AbortMultipartUpload\","
                + "\"s3:DeleteObject\"],\"Resource\":\"" + objects(bucket, prefix) + "\"},{\"Effect\":\"Allow\",\"Action\":["
                + "\"s3:ListBucketMultipartUploads\",\"s3:GetLifecycleConfiguration\"],\"Resource\":\"arn:aws:s3:::" + bucket + "\"}";
    }

    private static String useKey(String keyArn) {
        return "{\"Effect\":\"Allow\",\"Action\":[\"kms:GenerateDataKey\",\"kms:Decrypt\"],\"Resource\":\"" + keyArn + "\"}";
    }

    /** A bucket policy refusing puts that would not be encrypted with {@code keyArn} (by default or as asked). */
    private static String onlyWithKey(String bucket, String keyArn) {
        return policy("{\"Sid\":\"OnlyWithTheBucketKey\",\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"s3:PutObject\","
                + "\"Resource\":\"arn:aws:s3:::" + bucket + "/*\",\"Condition\":{\"ArnNotEqualsIfExists\":"
                + "{\"s3:x-amz-server-side-encryption-aws-kms-key-id\":\"" + keyArn + "\"}}}");
    }

    private static String trustService(String service) {
        return policy("{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"" + service + "\"},\"Action\":\"sts:AssumeRole\"}");
    }

    private static String trustAws(String principal, Optional<String> externalId) {
        return policy("{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"" + principal + "\"},\"Action\":\"sts:AssumeRole\""
                + externalId.map(id -> ",\"Condition\":{\"StringEquals\":{\"sts:ExternalId\":\"" + id + "\"}}").orElse("") + "}");
    }
}
