package dev.stageway.testkit.sts;

import dev.stageway.testkit.api.ApiError;
import dev.stageway.testkit.iam.AccessDecision;
import dev.stageway.testkit.iam.Credential;
import dev.stageway.testkit.iam.Iam;
import dev.stageway.testkit.iam.MalformedPolicyException;
import dev.stageway.testkit.iam.Policy;
import dev.stageway.testkit.iam.PolicyKind;
import dev.stageway.testkit.iam.Principal;
import dev.stageway.testkit.iam.RequestContext;
import dev.stageway.testkit.iam.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * STS AssumeRole, parameter by parameter as STS validates it, then authorised as IAM does (the
 * role's trust policy and the caller's own policies, {@code sts:TagSession} for session tags,
 * {@code sts:SetSourceIdentity} for a source identity), then the duration limits. What it does
 * not model (managed session policies, MFA) is refused.
 */
final class AssumeRole {
    private static final Pattern SESSION_NAME = Pattern.compile("[\\w+=,.@-]*");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]*");
    private static final Pattern TAG = Pattern.compile("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
    private static final int SESSION_POLICY_MAX = 2048;
    private static final int MAX_TAGS = 50;
    private static final long ROLE_CHAINING_LIMIT = 3600;

    private final Iam iam;
    private final String region;

    AssumeRole(Iam iam, String region) {
        this.iam = iam;
        this.region = region;
    }

    Credential assume(Credential caller, Map<String, String> params, boolean secure, String sourceIp) throws ApiError {
        String roleArn = params.getOrDefault("RoleArn", "");
        String sessionName = params.getOrDefault("RoleSessionName", "");
        if (roleArn.length() < 20 || roleArn.length() > 2048) {
            throw ApiError.validation(roleArn, "roleArn", "Member must have length greater than or equal to 20");
        }
        checkName(sessionName, "roleSessionName", 2, 64, SESSION_NAME, "[\\w+=,.@-]*");
        long duration = duration(params);
        Optional<String> externalId = Optional.ofNullable(params.get("ExternalId"));
        if (externalId.isPresent()) {
            checkName(externalId.get(), "externalId", 2, 1224, EXTERNAL_ID, "[\\w+=,.@:\\/-]*");
        }
        Optional<String> sourceIdentity = Optional.ofNullable(params.get("SourceIdentity"));
        if (sourceIdentity.isPresent()) {
            checkName(sourceIdentity.get(), "sourceIdentity", 2, 64, SESSION_NAME, "[\\w+=,.@-]*");
            if (sourceIdentity.get().toLowerCase(Locale.ROOT).startsWith("aws:")) {
                throw ApiError.validation(sourceIdentity.get(), "sourceIdentity", "Member must not begin with 'aws:'");
            }
        }
        if (params.keySet().stream().anyMatch(k -> k.startsWith("PolicyArns."))) {
            throw ApiError.notModelled("managed session policies (PolicyArns): the sandbox has no managed policies");
        }
        if (params.containsKey("SerialNumber") || params.containsKey("TokenCode")) {
            throw ApiError.notModelled("MFA (SerialNumber, TokenCode)");
        }
        if (params.keySet().stream().anyMatch(k -> k.startsWith("ProvidedContexts."))) {
            throw ApiError.notModelled("ProvidedContexts");
        }
        Optional<Policy> sessionPolicy = sessionPolicy(params.get("Policy"));
        Map<String, String> tags = tags(params);
        Set<String> transitive = members(params, "TransitiveTagKeys.member.");
        for (String k : transitive) {
            if (!tags.containsKey(k)) {
                throw new ApiError(400, "InvalidParameterValue", "The specified transitive tag key must be included in the requested tags.");
            }
        }
        Principal.Session inherited = caller.principal().session();
        Map<String, String> allTags = new LinkedHashMap<>(inherited.transitiveTags());
        for (Map.Entry<String, String> t : tags.entrySet()) {
            if (allTags.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(t.getKey()))) {
                throw new ApiError(400, "InvalidParameterValue", "One of the specified transitive tag keys can't be set because it "
                        + "conflicts with a transitive tag key from the calling session.");
            }
            allTags.put(t.getKey(), t.getValue());
        }
        Set<String> allTransitive = new LinkedHashSet<>(inherited.transitiveTagKeys());
        allTransitive.addAll(transitive);
        Optional<String> identity = inherited.sourceIdentity().or(() -> sourceIdentity);

        RequestContext.Builder context = iam.globalContext(caller, secure, sourceIp, region);
        context.put("sts:RoleSessionName", sessionName);
        context.put("sts:ExternalId", externalId);
        context.put("sts:SourceIdentity", sourceIdentity);
        tags.forEach((k, v) -> context.put("aws:RequestTag/" + k, v));
        if (!tags.isEmpty()) {
            context.putAll("aws:TagKeys", new ArrayList<>(tags.keySet()));
        }
        if (!transitive.isEmpty()) {
            context.putAll("sts:TransitiveTagKeys", new ArrayList<>(transitive));
        }
        RequestContext built = context.build();
        Optional<Role> role = iam.role(roleArn);
        authorize(caller, "sts:AssumeRole", roleArn, role, built);
        if (!tags.isEmpty()) {
            authorize(caller, "sts:TagSession", roleArn, role, built);
        }
        if (sourceIdentity.isPresent()) {
            if (inherited.sourceIdentity().filter(s -> !s.equals(sourceIdentity.get())).isPresent()) {
                throw new ApiError(403, "AccessDenied", "The source identity of the calling session cannot be changed.");
            }
            authorize(caller, "sts:SetSourceIdentity", roleArn, role, built);
        }
        if (duration > role.get().maxSessionDuration().toSeconds()) {
            throw new ApiError(400, "ValidationError", "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.");
        }
        if (caller.principal().isRoleSession() && duration > ROLE_CHAINING_LIMIT) {
            throw new ApiError(400, "ValidationError",
                    "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.");
        }
        return iam.issueSession(role.get(), sessionName, Duration.ofSeconds(duration), sessionPolicy,
                new Principal.Session(allTags, allTransitive, identity));
    }

    /** The caller's policies and the role's trust policy, as IAM decides; a role that does not exist is refused alike. */
    private void authorize(Credential caller, String action, String roleArn, Optional<Role> role, RequestContext context) throws ApiError {
        AccessDecision d = role.map(r -> iam.authorize(caller.identity(), action, roleArn, context, Iam.Owner.role(r)))
                .orElseGet(() -> new AccessDecision(false, "because no role trust policy allows the " + action + " action"));
        if (!d.allowed()) {
            throw new ApiError(403, "AccessDenied", d.message(caller.principal(), action, roleArn, false));
        }
    }

    private static long duration(Map<String, String> params) throws ApiError {
        if (!params.containsKey("DurationSeconds")) {
            return 3600;
        }
        long duration;
        try {
            duration = Long.parseLong(params.get("DurationSeconds"));
        } catch (NumberFormatException e) {
            throw ApiError.validation(params.get("DurationSeconds"), "durationSeconds", "Member must be a number");
        }
        if (duration < 900) {
            throw ApiError.validation(String.valueOf(duration), "durationSeconds", "Member must have value greater than or equal to 900");
        }
        if (duration > 43200) {
            throw ApiError.validation(String.valueOf(duration), "durationSeconds", "Member must have value less than or equal to 43200");
        }
        return duration;
    }

    /** An inline session policy: an identity-style policy, at most 2,048 characters without white space. */
    private static Optional<Policy> sessionPolicy(String json) throws ApiError {
        if (json == null) {
            return Optional.empty();
        }
        long size = json.chars().filter(c -> !Character.isWhitespace(c)).count();
        if (size > SESSION_POLICY_MAX) {
            throw new ApiError(400, "PackedPolicyTooLarge", "Packed policy consumes " + (size * 100 / SESSION_POLICY_MAX)
                    + "% of allotted space, please use smaller policy.");
        }
        try {
            return Optional.of(Policy.parse("session policy", PolicyKind.SESSION, json));
        } catch (MalformedPolicyException e) {
            throw new ApiError(400, "MalformedPolicyDocument", e.problem());
        } catch (UnsupportedOperationException e) {
            throw ApiError.notModelled(e.getMessage());
        }
    }

    private static Map<String, String> tags(Map<String, String> params) throws ApiError {
        Map<String, String> tags = new LinkedHashMap<>();
        for (int i = 1; params.containsKey("Tags.member." + i + ".Key"); i++) {
            String key = params.get("Tags.member." + i + ".Key");
            String value = params.getOrDefault("Tags.member." + i + ".Value", "");
            checkName(key, "tags." + i + ".member.key", 1, 128, TAG, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+");
            checkName(value, "tags." + i + ".member.value", 0, 256, TAG, "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*");
            if (tags.keySet().stream().anyMatch(k -> k.equalsIgnoreCase(key))) {
                throw new ApiError(400, "InvalidParameterValue", "Duplicate tag keys found. Please note that Tag keys are case insensitive.");
            }
            tags.put(key, value);
        }
        if (tags.size() > MAX_TAGS) {
            throw ApiError.validation(String.valueOf(tags.size()), "tags", "Member must have length less than or equal to " + MAX_TAGS);
        }
        return tags;
    }

    private static Set<String> members(Map<String, String> params, String prefix) {
        Set<String> out = new LinkedHashSet<>();
        for (int i = 1; params.containsKey(prefix + i); i++) {
            out.add(params.get(prefix + i));
        }
        return out;
    }

    private static void checkName(String value, String member, int min, int max, Pattern pattern, String shown) throws ApiError {
        if (value.length() < min) {
            throw ApiError.validation(value, member, "Member must have length greater than or equal to " + min);
        }
        if (value.length() > max) {
            throw ApiError.validation(value, member, "Member must have length less than or equal to " + max);
        }
        if (!pattern.matcher(value).matches()) {
            throw ApiError.validation(value, member, "Member must satisfy regular expression pattern: " + shown);
        }
    }
}
