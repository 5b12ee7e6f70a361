package dev.stageway.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * What a local sandbox holds, as a file that reads like AWS: accounts with IAM users and their
 * keys, roles with a trust policy ({@code AssumeRolePolicyDocument}, real IAM JSON), a
 * permissions policy and a {@code MaxSessionDuration}, buckets with optional bucket policies and
 * default encryption, KMS keys with their key policies and aliases, the instance role that IMDS
 * serves, and the Redshift cluster with the roles attached to it for IAM_ROLE.
 */
public record SandboxConfig(String region, List<Account> accounts, Optional<InstanceProfile> instanceProfile,
                            Optional<RedshiftCluster> redshift) {

    public record Account(String accountId, String alias, List<User> users, List<RoleSpec> roles, List<Bucket> buckets,
                          List<KmsKeySpec> keys) {
    }

    /** A symmetric KMS key in the sandbox's region: its id (a UUID), aliases ({@code alias/name}) and key policy. */
    public record KmsKeySpec(String keyId, List<String> aliases, String keyPolicy, boolean enabled) {
    }

    public record User(String userName, String accessKeyId, String secretAccessKey, String policyDocument) {
        @Override
        public String toString() {
            return "User[" + userName + ", " + accessKeyId + "]";
        }
    }

    public record RoleSpec(String roleName, long maxSessionDuration, String assumeRolePolicyDocument, String policyDocument) {
    }

    /**
     * @param encryption default encryption: {@code AES256}, or {@code aws:kms} with an optional key
     *                   ({@code aws:kms} alone means the account's {@code aws/s3} key)
     */
    public record Bucket(String name, Optional<String> policy, Optional<BucketEncryption> encryption) {
    }

    public record BucketEncryption(String sseAlgorithm, Optional<String> kmsMasterKeyId) {
    }

    public record InstanceProfile(String roleArn, String instanceId) {
    }

    /**
     * The Redshift stand-in's cluster: its identifier and account, its master user, the IAM roles
     * attached to it (one of them the default for {@code IAM_ROLE default}), its slice count, and
     * the name of the Serverless workgroup the same database also serves as.
     */
    public record RedshiftCluster(String clusterIdentifier, String accountId, String masterUsername, String masterUserPassword,
                                  List<String> iamRoles, Optional<String> defaultIamRole, int slices, String workgroupName) {
        @Override
        public String toString() {
            return "RedshiftCluster[" + clusterIdentifier + " in " + accountId + ", " + masterUsername + ", roles " + iamRoles
                    + ", " + slices + " slices, workgroup " + workgroupName + "]";
        }

        /** The workgroup's ARN, which names it by its id (stable for its account and name), as IAM policies must. */
        public String workgroupArn(String region) {
            String id = java.util.UUID.nameUUIDFromBytes((accountId + "/" + workgroupName).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                    .toString();
            return "arn:aws:redshift-serverless:" + region + ":" + accountId + ":workgroup/" + id;
        }

        /** The ARN of one of the cluster's Redshift resources, such as {@code dbname} and {@code dev}. */
        public String resourceArn(String region, String type, String name) {
            return "arn:aws:redshift:" + region + ":" + accountId + ":" + type + ":" + clusterIdentifier + "/" + name;
        }
    }

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    public static SandboxConfig read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    public static SandboxConfig parse(String json) {
        JsonNode root = JSON.readTree(json);
        List<Account> accounts = new ArrayList<>();
        for (JsonNode a : root.path("Accounts")) {
            List<User> users = new ArrayList<>();
            for (JsonNode u : a.path("Users")) {
                users.add(new User(text(u, "UserName"), text(u, "AccessKeyId"), text(u, "SecretAccessKey"),
                        u.path("PolicyDocument").toString()));
            }
            List<RoleSpec> roles = new ArrayList<>();
            for (JsonNode r : a.path("Roles")) {
                roles.add(new RoleSpec(text(r, "RoleName"), r.path("MaxSessionDuration").asLong(3600),
                        r.path("AssumeRolePolicyDocument").toString(), r.path("PolicyDocument").toString()));
            }
            List<Bucket> buckets = new ArrayList<>();
            for (JsonNode b : a.path("Buckets")) {
                JsonNode e = b.path("ServerSideEncryptionByDefault");
                Optional<BucketEncryption> encryption = e.isMissingNode() ? Optional.empty() : Optional.of(new BucketEncryption(
                        text(e, "SSEAlgorithm"), e.has("KMSMasterKeyID") ? Optional.of(e.path("KMSMasterKeyID").asString()) : Optional.empty()));
                buckets.add(new Bucket(text(b, "Name"), b.has("Policy") ? Optional.of(b.path("Policy").toString()) : Optional.empty(),
                        encryption));
            }
            List<KmsKeySpec> keys = new ArrayList<>();
            for (JsonNode k : a.path("KmsKeys")) {
                List<String> aliases = new ArrayList<>();
                k.path("Aliases").forEach(al -> aliases.add(al.asString()));
                keys.add(new KmsKeySpec(text(k, "KeyId"), aliases, k.path("KeyPolicy").toString(), k.path("Enabled").asBoolean(true)));
            }
            accounts.add(new Account(text(a, "AccountId"), a.path("Alias").asString(""), users, roles, buckets, keys));
        }
        JsonNode ip = root.path("InstanceProfile");
        Optional<InstanceProfile> instance = ip.isMissingNode() ? Optional.empty()
                : Optional.of(new InstanceProfile(text(ip, "Role"), ip.path("InstanceId").asString("i-0sandbox0000000001")));
        JsonNode rs = root.path("Redshift");
        Optional<RedshiftCluster> redshift = Optional.empty();
        if (!rs.isMissingNode()) {
            List<String> roles = new ArrayList<>();
            rs.path("IamRoles").forEach(r -> roles.add(r.asString()));
            redshift = Optional.of(new RedshiftCluster(rs.path("ClusterIdentifier").asString("sandbox"), text(rs, "AccountId"),
                    text(rs, "MasterUsername"), text(rs, "MasterUserPassword"), roles,
                    rs.has("DefaultIamRoleArn") ? Optional.of(rs.path("DefaultIamRoleArn").asString()) : Optional.empty(),
                    rs.path("NumberOfSlices").asInt(4), rs.path("WorkgroupName").asString("sandbox-workgroup")));
        }
        return new SandboxConfig(root.path("Region").asString("us-east-1"), accounts, instance, redshift);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            throw new IllegalArgumentException("sandbox file: " + field + " is missing in " + node);
        }
        return v.asString();
    }

    /** The file form of this configuration, which {@link #parse} reads back. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("Region", region);
        ArrayNode accountsNode = root.putArray("Accounts");
        for (Account a : accounts) {
            ObjectNode an = accountsNode.addObject();
            an.put("AccountId", a.accountId());
            an.put("Alias", a.alias());
            ArrayNode un = an.putArray("Users");
            for (User u : a.users()) {
                ObjectNode n = un.addObject();
                n.put("UserName", u.userName());
                n.put("AccessKeyId", u.accessKeyId());
                n.put("SecretAccessKey", u.secretAccessKey());
                n.set("PolicyDocument", JSON.readTree(u.policyDocument()));
            }
            ArrayNode rn = an.putArray("Roles");
            for (RoleSpec r : a.roles()) {
                ObjectNode n = rn.addObject();
                n.put("RoleName", r.roleName());
                n.put("MaxSessionDuration", r.maxSessionDuration());
                n.set("AssumeRolePolicyDocument", JSON.readTree(r.assumeRolePolicyDocument()));
                n.set("PolicyDocument", JSON.readTree(r.policyDocument()));
            }
            ArrayNode bn = an.putArray("Buckets");
            for (Bucket b : a.buckets()) {
                ObjectNode n = bn.addObject();
                n.put("Name", b.name());
                b.policy().ifPresent(p -> n.set("Policy", JSON.readTree(p)));
                b.encryption().ifPresent(e -> {
                    ObjectNode en = n.putObject("ServerSideEncryptionByDefault");
                    en.put("SSEAlgorithm", e.sseAlgorithm());
                    e.kmsMasterKeyId().ifPresent(k -> en.put("KMSMasterKeyID", k));
                });
            }
            ArrayNode kn = an.putArray("KmsKeys");
            for (KmsKeySpec k : a.keys()) {
                ObjectNode n = kn.addObject();
                n.put("KeyId", k.keyId());
                k.aliases().forEach(n.putArray("Aliases")::add);
                n.set("KeyPolicy", JSON.readTree(k.keyPolicy()));
                n.put("Enabled", k.enabled());
            }
        }
        instanceProfile.ifPresent(ip -> {
            ObjectNode n = root.putObject("InstanceProfile");
            n.put("Role", ip.roleArn());
            n.put("InstanceId", ip.instanceId());
        });
        redshift.ifPresent(r -> {
            ObjectNode n = root.putObject("Redshift");
            n.put("ClusterIdentifier", r.clusterIdentifier());
            n.put("AccountId", r.accountId());
            n.put("MasterUsername", r.masterUsername());
            n.put("MasterUserPassword", r.masterUserPassword());
            r.iamRoles().forEach(n.putArray("IamRoles")::add);
            r.defaultIamRole().ifPresent(d -> n.put("DefaultIamRoleArn", d));
            n.put("NumberOfSlices", r.slices());
            n.put("WorkgroupName", r.workgroupName());
        });
        return JSON.writeValueAsString(root);
    }
}
