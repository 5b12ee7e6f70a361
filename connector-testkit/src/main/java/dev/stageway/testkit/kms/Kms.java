package dev.stageway.testkit.kms;

import dev.stageway.testkit.iam.AccessDecision;
import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.iam.Identity;
import dev.stageway.testkit.iam.Policy;
import dev.stageway.testkit.iam.PolicyKind;
import dev.stageway.testkit.iam.RequestContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sandbox's KMS, as S3 uses it for SSE-KMS: keys declared in the sandbox file with their key
 * policies and aliases, each account's AWS managed key {@code aws/s3} created on first use, key
 * references resolved as S3 resolves them, and {@code kms:GenerateDataKey} / {@code kms:Decrypt}
 * authorised as KMS does, with the key policy required to allow.
 */
public final class Kms {
    public static final String AWS_S3_ALIAS = "alias/aws/s3";
    private static final Pattern KEY_ARN = Pattern.compile("arn:aws:kms:([a-z0-9-]+):(\\d{12}):key/(.+)");
    private static final Pattern ALIAS_ARN = Pattern.compile("arn:aws:kms:([a-z0-9-]+):(\\d{12}):(alias/.+)");
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private final Iam iam;
    private final String region;
    private final Map<String, KmsKey> keys = new ConcurrentHashMap<>();
    /** {@code account/alias-name} to key ARN. */
    private final Map<String, String> aliases = new ConcurrentHashMap<>();

    public Kms(Iam iam, String region) {
        this.iam = iam;
        this.region = region;
    }

    /** Declares a customer managed key in this region. */
    public KmsKey addKey(String account, String keyId, Policy keyPolicy, List<String> keyAliases, boolean enabled) {
        KmsKey key = new KmsKey(KmsKey.arn(region, account, keyId), keyId, account, region, keyPolicy, enabled);
        keys.put(key.arn(), key);
        keyAliases.forEach(a -> aliases.put(account + "/" + a, key.arn()));
        return key;
    }

    public Optional<KmsKey> key(String arn) {
        return Optional.ofNullable(keys.get(arn));
    }

    /**
     * The key {@code reference} names, as S3 resolves the key of an SSE-KMS request: a key id or
     * alias in {@code account}, or a key or alias ARN; {@code aws/s3} is created on first use.
     *
     * @throws KmsException KMS.NotFoundException when there is no such key here
     */
    public KmsKey resolve(String reference, String account) {
        Matcher keyArn = KEY_ARN.matcher(reference);
        Matcher aliasArn = ALIAS_ARN.matcher(reference);
        String arn;
        if (keyArn.matches()) {
            if (!keyArn.group(1).equals(region)) {
                throw notFound("Invalid arn " + keyArn.group(1));
            }
            arn = reference;
        } else if (aliasArn.matches()) {
            if (!aliasArn.group(1).equals(region)) {
                throw notFound("Invalid arn " + aliasArn.group(1));
            }
            arn = alias(aliasArn.group(2), aliasArn.group(3)).orElseThrow(() -> notFound("Alias " + reference + " is not found."));
        } else if (reference.startsWith("alias/")) {
            arn = alias(account, reference).orElseThrow(() -> notFound("Invalid keyId '" + reference + "'"));
        } else if (KEY_ID.matcher(reference).matches()) {
            arn = KmsKey.arn(region, account, reference);
        } else {
            throw notFound("Invalid keyId '" + reference + "'");
        }
        KmsKey key = keys.get(arn);
        if (key == null) {
            throw notFound("Key '" + arn + "' does not exist");
        }
        return key;
    }

    /** The account's AWS managed key for S3, created the first time S3 needs it. */
    public KmsKey awsManagedS3Key(String account) {
        String arn = alias(account, AWS_S3_ALIAS).orElse(null);
        if (arn != null) {
            return keys.get(arn);
        }
        synchronized (this) {
            arn = alias(account, AWS_S3_ALIAS).orElse(null);
            if (arn != null) {
                return keys.get(arn);
            }
            String keyId = UUID.nameUUIDFromBytes(("aws/s3 " + account).getBytes(StandardCharsets.UTF_8)).toString();
            // As AWS managed keys are: usable by any principal of the account, only through the service that made it.
            Policy policy = Policy.parse("key policy of aws/s3 in " + account, PolicyKind.RESOURCE, "{\"Version\":\"2012-10-17\","
                    + "\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":[\"kms:Encrypt\",\"kms:Decrypt\","
                    + "\"kms:ReEncrypt*\",\"kms:GenerateDataKey*\",\"kms:DescribeKey\"],\"Resource\":\"*\",\"Condition\":{"
                    + "\"StringEquals\":{\"kms:CallerAccount\":\"" + account + "\",\"kms:ViaService\":\"s3." + region + ".amazonaws.com\"}}}]}");
            KmsKey key = new KmsKey(KmsKey.arn(region, account, keyId), keyId, account, region, policy, true);
            keys.put(key.arn(), key);
            aliases.put(account + "/" + AWS_S3_ALIAS, key.arn());
            return key;
        }
    }

    /**
     * Whether {@code who} may have S3 call {@code action} (kms:GenerateDataKey, kms:Decrypt) on
     * {@code key} for the object {@code objectArn}, as KMS decides: the key policy must allow,
     * directly or by enabling the account's IAM policies; across accounts both must.
     *
     * @param global the request's global condition keys
     * @throws KmsException AccessDenied with KMS's message, or KMS.DisabledException
     */
    public void authorizeViaS3(Identity who, String action, KmsKey key, String objectArn, RequestContext.Builder global) {
        if (!key.enabled()) {
            throw new KmsException(400, "KMS.DisabledException", key.arn() + " is disabled.");
        }
        RequestContext context = global
                .put("kms:ViaService", "s3." + region + ".amazonaws.com")
                .put("kms:CallerAccount", who.principal().account())
                .put("kms:EncryptionContext:aws:s3:arn", objectArn)
                .putAll("kms:EncryptionContextKeys", List.of("aws:s3:arn"))
                .build();
        iam.count(action + " " + who.principal().arn());
        AccessDecision d = iam.authorize(who, action, key.arn(), context, Iam.Owner.key(key.account(), key.keyPolicy()));
        if (!d.allowed()) {
            throw new KmsException(403, "AccessDenied", d.message(who.principal(), action, key.arn(), false));
        }
    }

    private Optional<String> alias(String account, String name) {
        return Optional.ofNullable(aliases.get(account + "/" + name));
    }

    private static KmsException notFound(String message) {
        return new KmsException(400, "KMS.NotFoundException", message);
    }
}
