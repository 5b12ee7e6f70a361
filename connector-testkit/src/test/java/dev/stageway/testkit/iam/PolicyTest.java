package dev.stageway.testkit.iam;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** IAM's policy language as the sandbox evaluates it; each case names the rule of IAM's documentation it encodes. */
class PolicyTest {
    private static final Principal USER = Principal.user("111122223333", "alice");
    private static final Role ROLE = new Role(Role.arn("111122223333", "r"), "111122223333", "r", trust("{\"AWS\":\"111122223333\"}"),
            List.of(), java.time.Duration.ofHours(1));
    private static final Principal SESSION = Principal.roleSession(ROLE, "s1", Principal.Session.NONE);

    private static Policy identity(String statement) {
        return Policy.parse("test", PolicyKind.IDENTITY, "{\"Version\":\"2012-10-17\",\"Statement\":[" + statement + "]}");
    }

    private static Policy trust(String principal) {
        return Policy.parse("trust", PolicyKind.TRUST, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":"
                + principal + ",\"Action\":\"sts:AssumeRole\"}]}");
    }

    private static boolean allows(Policy p, Principal who, String action, String resource, Map<String, String> keys) {
        RequestContext.Builder b = RequestContext.builder();
        who.describe(b);
        keys.forEach(b::put);
        return p.evaluate(new AccessRequest(who, action, resource, b.build())).allows();
    }

    private static boolean condition(String operator, String key, String values, Map<String, String> context) {
        Policy p = identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"" + operator
                + "\":{\"" + key + "\":" + values + "}}}");
        return allows(p, USER, "s3:GetObject", "arn:aws:s3:::b/k", context);
    }

    /** Condition operators: one request value against the policy's values (any may match; negated forms: none may). */
    @ParameterizedTest(name = "{0} {1} {2} vs {3} -> {4}")
    @CsvSource(delimiter = '|', value = {
            "StringEquals|s3:prefix|[\"a/\",\"b/\"]|b/|true",
            "StringEquals|s3:prefix|\"a/\"|A/|false",
            "StringNotEquals|s3:prefix|[\"a/\",\"b/\"]|c/|true",
            "StringNotEquals|s3:prefix|[\"a/\",\"b/\"]|a/|false",
            "StringEqualsIgnoreCase|s3:prefix|\"a/\"|A/|true",
            "StringNotEqualsIgnoreCase|s3:prefix|\"a/\"|A/|false",
            "StringLike|s3:prefix|\"data/*\"|data/x/y|true",
            "StringLike|s3:prefix|\"data/?\"|data/xy|false",
            "StringNotLike|s3:prefix|\"data/*\"|other/|true",
            "StringEquals|s3:prefix|\"data/*\"|data/x|false",
            "NumericLessThanEquals|s3:max-keys|\"100\"|100|true",
            "NumericLessThan|s3:max-keys|\"100\"|100|false",
            "NumericGreaterThan|s3:max-keys|10|11|true",
            "NumericGreaterThanEquals|s3:max-keys|\"10.5\"|10|false",
            "NumericNotEquals|s3:max-keys|\"5\"|6|true",
            "NumericEquals|s3:max-keys|\"5\"|five|false",
            "DateLessThan|aws:CurrentTime|\"2030-01-01T00:00:00Z\"|2029-12-31T23:59:59Z|true",
            "DateGreaterThan|aws:CurrentTime|\"2030-01-01\"|2029-12-31T23:59:59Z|false",
            "DateGreaterThanEquals|aws:EpochTime|\"1893456000\"|2030-01-01T00:00:00Z|true",
            "DateNotEquals|aws:CurrentTime|\"2030-01-01T00:00:00Z\"|2030-01-01T00:00:00+00:00|false",
            "DateLessThanEquals|aws:CurrentTime|\"2030-01-01T01:00:00+01:00\"|2030-01-01T00:00:00Z|true",
            "Bool|aws:SecureTransport|\"true\"|true|true",
            "Bool|aws:SecureTransport|true|false|false",
            "IpAddress|aws:SourceIp|[\"10.0.0.0/8\",\"127.0.0.0/8\"]|127.0.0.1|true",
            "IpAddress|aws:SourceIp|\"192.168.1.0/24\"|192.168.2.1|false",
            "NotIpAddress|aws:SourceIp|\"192.168.1.0/24\"|192.168.2.1|true",
            "IpAddress|aws:SourceIp|\"2001:db8::/32\"|2001:db8:0:0:0:0:0:1|true",
            "IpAddress|aws:SourceIp|\"2001:db8::/32\"|127.0.0.1|false",
            "ArnLike|aws:PrincipalArn|\"arn:aws:iam::*:role/app-*\"|arn:aws:iam::111122223333:role/app-1|true",
            "ArnEquals|aws:PrincipalArn|\"arn:aws:iam::*:role/*\"|arn:aws:iam::111122223333:user/x|false",
            "ArnLike|aws:PrincipalArn|\"arn:aws:iam::111122223333:*\"|arn:aws:iam::111122223333:role/a:b|true",
            "ArnNotLike|aws:PrincipalArn|\"arn:aws:iam::*:role/app-*\"|arn:aws:iam::111122223333:role/web|true",
            "ArnLike|aws:PrincipalArn|\"arn:aws:iam::111122223333:role/x\"|not-an-arn|false"})
    void operatorsCompareAsIamDefinesThem(String operator, String key, String values, String requestValue, boolean expected) {
        assertEquals(expected, condition(operator, key, values, Map.of(key, requestValue)));
    }

    /** "If the key ... is not present in the request context ... the condition is false", but true for negated operators. */
    @ParameterizedTest(name = "{0} on an absent key -> {1}")
    @CsvSource({"StringEquals,false", "StringLike,false", "NumericLessThan,false", "StringNotEquals,true", "StringNotLike,true",
            "NumericNotEquals,true", "StringEqualsIfExists,true", "StringNotEqualsIfExists,true",
            "ForAnyValue:StringEquals,false", "ForAllValues:StringEquals,true", "ForAllValues:StringNotLike,true"})
    void anAbsentKeyDecidesByTheOperator(String operator, boolean expected) {
        assertEquals(expected, condition(operator, "s3:prefix", "\"5\"", Map.of()));
    }

    @Test
    void nullTestsWhetherTheKeyIsPresent() {
        assertTrue(condition("Null", "s3:prefix", "\"true\"", Map.of()));
        assertFalse(condition("Null", "s3:prefix", "\"true\"", Map.of("s3:prefix", "")));
        assertTrue(condition("Null", "s3:prefix", "false", Map.of("s3:prefix", "x")));
    }

    @Test
    void keyNamesAreCaseInsensitiveAndValuesAreNot() {
        assertTrue(condition("StringEquals", "S3:PREFIX", "\"a\"", Map.of("s3:prefix", "a")));
        assertFalse(condition("StringEquals", "s3:prefix", "\"a\"", Map.of("s3:prefix", "A")));
    }

    /** ForAllValues: every request value matches some policy value; ForAnyValue: at least one does. */
    @Test
    void setOperatorsCompareEveryValueOfAMultiValuedKey() {
        Policy all = identity("{\"Effect\":\"Allow\",\"Action\":\"sts:TagSession\",\"Resource\":\"*\",\"Condition\":"
                + "{\"ForAllValues:StringEquals\":{\"aws:TagKeys\":[\"team\",\"env\"]}}}");
        Policy any = identity("{\"Effect\":\"Allow\",\"Action\":\"sts:TagSession\",\"Resource\":\"*\",\"Condition\":"
                + "{\"ForAnyValue:StringEquals\":{\"aws:TagKeys\":[\"team\"]}}}");
        RequestContext both = RequestContext.builder().putAll("aws:TagKeys", List.of("team", "env")).build();
        RequestContext extra = RequestContext.builder().putAll("aws:TagKeys", List.of("team", "cost")).build();
        RequestContext none = RequestContext.builder().putAll("aws:TagKeys", List.of("cost")).build();
        assertTrue(all.evaluate(new AccessRequest(USER, "sts:TagSession", "*", both)).allows());
        assertFalse(all.evaluate(new AccessRequest(USER, "sts:TagSession", "*", extra)).allows());
        assertTrue(any.evaluate(new AccessRequest(USER, "sts:TagSession", "*", extra)).allows());
        assertFalse(any.evaluate(new AccessRequest(USER, "sts:TagSession", "*", none)).allows());
    }

    /** Policy variables in Resource and string conditions (Version 2012-10-17 only); ${*} is a literal star. */
    @Test
    void policyVariablesTakeTheRequestsValues() {
        Policy home = identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/home/${aws:username}/*\"}");
        assertTrue(allows(home, USER, "s3:GetObject", "arn:aws:s3:::b/home/alice/x", Map.of()));
        assertFalse(allows(home, USER, "s3:GetObject", "arn:aws:s3:::b/home/bob/x", Map.of()));
        assertFalse(allows(home, SESSION, "s3:GetObject", "arn:aws:s3:::b/home//x", Map.of()), "a session has no aws:username");
        Policy star = identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/${*}\"}");
        assertTrue(allows(star, USER, "s3:GetObject", "arn:aws:s3:::b/*", Map.of()));
        assertFalse(allows(star, USER, "s3:GetObject", "arn:aws:s3:::b/anything", Map.of()));
        Policy fallback = identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":"
                + "\"arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*\"}");
        assertTrue(allows(fallback, USER, "s3:GetObject", "arn:aws:s3:::b/shared/x", Map.of()));
        Policy old = Policy.parse("old", PolicyKind.IDENTITY, "{\"Version\":\"2008-10-17\",\"Statement\":{\"Effect\":\"Allow\","
                + "\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::b/${aws:username}\"}}");
        assertTrue(allows(old, USER, "s3:GetObject", "arn:aws:s3:::b/${aws:username}", Map.of()));
        assertFalse(allows(old, USER, "s3:GetObject", "arn:aws:s3:::b/alice", Map.of()));
    }

    @Test
    void notActionAndNotResourceMatchEverythingElse() {
        Policy p = identity("{\"Effect\":\"Allow\",\"NotAction\":\"s3:Delete*\",\"NotResource\":\"arn:aws:s3:::secret/*\"}");
        assertTrue(allows(p, USER, "s3:GetObject", "arn:aws:s3:::b/k", Map.of()));
        assertFalse(allows(p, USER, "s3:DeleteObject", "arn:aws:s3:::b/k", Map.of()));
        assertFalse(allows(p, USER, "s3:GetObject", "arn:aws:s3:::secret/k", Map.of()));
        assertTrue(allows(identity("{\"Effect\":\"Allow\",\"Action\":\"S3:getobject\",\"Resource\":\"*\"}"), USER, "s3:GetObject", "x",
                Map.of()), "action names are case-insensitive");
    }

    /** A role ARN names every session of the role; a session ARN that session only; Service and Federated never a user or role. */
    @Test
    void principalsNameCallersAsIamDoes() {
        assertTrue(allows(trust("{\"AWS\":\"" + ROLE.arn() + "\"}"), SESSION, "sts:AssumeRole", "r", Map.of()));
        assertFalse(allows(trust("{\"AWS\":\"arn:aws:sts::111122223333:assumed-role/r/other\"}"), SESSION, "sts:AssumeRole", "r", Map.of()));
        assertTrue(allows(trust("{\"AWS\":\"arn:aws:iam::111122223333:root\"}"), USER, "sts:AssumeRole", "r", Map.of()));
        assertFalse(allows(trust("{\"Service\":\"ec2.amazonaws.com\"}"), USER, "sts:AssumeRole", "r", Map.of()));
        assertFalse(allows(trust("{\"Federated\":\"cognito-identity.amazonaws.com\"}"), SESSION, "sts:AssumeRole", "r", Map.of()));
        assertTrue(allows(trust("{\"Service\":\"ec2.amazonaws.com\"}"), Principal.service("ec2.amazonaws.com"), "sts:AssumeRole", "r",
                Map.of()));
    }

    /** NotPrincipal with Deny: a session is exempt only when its account, role and session are all listed. */
    @Test
    void notPrincipalExemptsOnlyWhatItListsWhole() {
        String session = SESSION.arn();
        Policy onlyRole = bucketDeny("{\"AWS\":[\"" + ROLE.arn() + "\"]}");
        Policy whole = bucketDeny("{\"AWS\":[\"" + ROLE.arn() + "\",\"" + session + "\",\"arn:aws:iam::111122223333:root\"]}");
        AccessRequest r = new AccessRequest(SESSION, "s3:GetObject", "arn:aws:s3:::b/k", RequestContext.EMPTY);
        assertTrue(onlyRole.evaluate(r).denied());
        assertFalse(whole.evaluate(r).denied());
        assertTrue(whole.evaluate(new AccessRequest(USER, "s3:GetObject", "arn:aws:s3:::b/k", RequestContext.EMPTY)).denied());
    }

    private static Policy bucketDeny(String notPrincipal) {
        return Policy.parse("bucket", PolicyKind.RESOURCE, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
                + "\"NotPrincipal\":" + notPrincipal + ",\"Action\":\"s3:*\",\"Resource\":\"arn:aws:s3:::b/*\"}]}");
    }

    /** What IAM refuses to store, and an operator or key the sandbox cannot evaluate. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "IDENTITY|{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\"}]}|Policy statement must contain resources.",
            "IDENTITY|{\"Statement\":[{\"Effect\":\"Allow\",\"Resource\":\"*\"}]}|Policy statement must contain actions.",
            "IDENTITY|{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}|Policy document should not specify a principal.",
            "SESSION|{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"s3:*\",\"Resource\":\"*\"}]}|Policy document should not specify a principal.",
            "RESOURCE|{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}|Missing required field Principal",
            "TRUST|{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"*\"},\"Action\":\"sts:AssumeRole\",\"Resource\":\"*\"}]}|Has prohibited field Resource",
            "IDENTITY|{\"Statement\":[{\"Effect\":\"allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}|Invalid effect: allow",
            "IDENTITY|{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"GetObject\",\"Resource\":\"*\"}]}|Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc. (GetObject)",
            "IDENTITY|{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"NotAction\":\"s3:Get*\",\"Resource\":\"*\"}]}|Syntax errors in policy. (both Action and NotAction)",
            "IDENTITY|{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"bucket\"}]}|Resource bucket must be in ARN format or \"*\".",
            "IDENTITY|{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"StringEqualz\":{\"s3:prefix\":\"a\"}}}]}|unknown condition operator StringEqualz",
            "IDENTITY|{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"NullIfExists\":{\"s3:prefix\":\"true\"}}}]}|unknown condition operator NullIfExists (Null takes neither IfExists nor a set qualifier)",
            "IDENTITY|{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\",\"Condition\":{\"NumericLessThan\":{\"s3:max-keys\":\"ten\"}}}]}|'ten' is not a valid value for NumericLessThan (condition key s3:max-keys)",
            "IDENTITY|{\"Statement\":[{\"Sid\":\"A\",\"Effect\":\"Allow\",\"Action\":\"s3:*\",\"Resource\":\"*\"},{\"Sid\":\"A\",\"Effect\":\"Deny\",\"Action\":\"s3:*\",\"Resource\":\"*\"}]}|Statement IDs (SID) in a single policy must be unique."})
    void malformedPoliciesAreRefusedWithIamsReason(PolicyKind kind, String json, String problem) {
        MalformedPolicyException e = assertThrows(MalformedPolicyException.class, () -> Policy.parse("p", kind, json));
        assertEquals(problem, e.problem());
    }

    @Test
    void aConditionKeyTheSandboxDoesNotSupplyIsRefusedNamingIt() {
        UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class, () -> identity("{\"Effect\":\"Allow\","
                + "\"Action\":\"s3:GetObject\",\"Resource\":\"*\",\"Condition\":{\"StringEquals\":{\"s3:ExistingObjectTag/team\":\"a\"}}}"));
        assertEquals("test: the sandbox does not supply condition key s3:ExistingObjectTag/team, so it cannot evaluate this policy as "
                + "AWS would", e.getMessage());
    }

    /** Evaluation logic: explicit deny wins; same account either side allows; across accounts both must; session policies narrow. */
    @Test
    void iamDecidesAsItsEvaluationLogicSays() {
        Iam iam = new Iam(java.time.Clock.systemUTC(), Optional.empty());
        Policy read = identity("{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}");
        Policy denyRead = identity("{\"Effect\":\"Deny\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}");
        Policy listOnly = identity("{\"Effect\":\"Allow\",\"Action\":\"s3:ListBucket\",\"Resource\":\"*\"}");
        Policy bucketToRole = bucket("{\"AWS\":\"" + ROLE.arn() + "\"}");
        Policy bucketToSession = bucket("{\"AWS\":\"" + SESSION.arn() + "\"}");
        Policy bucketToAccount = bucket("{\"AWS\":\"111122223333\"}");
        String obj = "arn:aws:s3:::b/k";
        Identity plain = new Identity(SESSION, List.of(), Optional.empty());
        Identity narrowed = new Identity(SESSION, List.of(read), Optional.of(listOnly));
        Identity reader = new Identity(SESSION, List.of(read), Optional.empty());
        Identity denied = new Identity(SESSION, List.of(read, denyRead), Optional.empty());

        assertTrue(decide(iam, reader, obj, Iam.Owner.bucket("111122223333", Optional.empty())).allowed());
        assertEquals("with an explicit deny in an identity-based policy",
                decide(iam, denied, obj, Iam.Owner.bucket("111122223333", Optional.of(bucketToSession))).reason());
        assertTrue(decide(iam, plain, obj, Iam.Owner.bucket("111122223333", Optional.of(bucketToRole))).allowed(),
                "same account: a bucket policy naming the role allows on its own");
        assertFalse(decide(iam, plain, obj, Iam.Owner.bucket("111122223333", Optional.of(bucketToAccount))).allowed(),
                "an account principal only delegates to the account's own policies");
        assertEquals("because no session policy allows the s3:GetObject action",
                decide(iam, narrowed, obj, Iam.Owner.bucket("111122223333", Optional.of(bucketToRole))).reason());
        assertTrue(decide(iam, narrowed, obj, Iam.Owner.bucket("111122223333", Optional.of(bucketToSession))).allowed(),
                "a bucket policy naming the session itself is not narrowed by the session policy");
        assertEquals("because no resource-based policy allows the s3:GetObject action",
                decide(iam, reader, obj, Iam.Owner.bucket("999988887777", Optional.empty())).reason(), "across accounts both sides");
        assertEquals("because no identity-based policy allows the s3:GetObject action",
                decide(iam, plain, obj, Iam.Owner.bucket("999988887777", Optional.of(bucketToRole))).reason());
        assertEquals("because no resource-based policy allows the s3:GetObject action",
                decide(iam, reader, obj, Iam.Owner.key("111122223333", bucket("{\"AWS\":\"999988887777\"}"))).reason(),
                "a key policy must allow, even in the key's account");
    }

    private static Policy bucket(String principal) {
        return Policy.parse("bucket", PolicyKind.RESOURCE, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                + "\"Principal\":" + principal + ",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}");
    }

    private static AccessDecision decide(Iam iam, Identity who, String resource, Iam.Owner owner) {
        return iam.authorize(who, "s3:GetObject", resource, RequestContext.EMPTY, owner);
    }
}
