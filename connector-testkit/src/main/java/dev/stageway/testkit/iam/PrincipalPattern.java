package dev.stageway.testkit.iam;

import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One entry of a Principal or NotPrincipal element, and how directly it names a caller. */
record PrincipalPattern(Kind kind, String value) {

    enum Kind { ANYONE, ACCOUNT, USER, ROLE, SESSION, SERVICE, FEDERATED, CANONICAL_USER }

    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern IAM_ARN = Pattern.compile("arn:aws(?:-cn|-us-gov)?:iam::(\\d{12}):(root|user/.+|role/.+)");
    private static final Pattern SESSION_ARN = Pattern.compile("arn:aws(?:-cn|-us-gov)?:sts::(\\d{12}):assumed-role/[^/]+/.+");

    /** An entry under {@code "AWS"}: {@code *}, an account id, or a root, user, role or assumed-role ARN. */
    static Optional<PrincipalPattern> aws(String value) {
        if (value.equals("*")) {
            return Optional.of(new PrincipalPattern(Kind.ANYONE, value));
        }
        if (ACCOUNT.matcher(value).matches()) {
            return Optional.of(new PrincipalPattern(Kind.ACCOUNT, value));
        }
        Matcher iam = IAM_ARN.matcher(value);
        if (iam.matches()) {
            String what = iam.group(2);
            if (what.equals("root")) {
                return Optional.of(new PrincipalPattern(Kind.ACCOUNT, iam.group(1)));
            }
            return Optional.of(new PrincipalPattern(what.startsWith("user/") ? Kind.USER : Kind.ROLE, value));
        }
        if (SESSION_ARN.matcher(value).matches()) {
            return Optional.of(new PrincipalPattern(Kind.SESSION, value));
        }
        return Optional.empty();
    }

    /**
     * Whether a NotPrincipal list exempts {@code who}: AWS checks each identity a caller is (its
     * account, then its user, or its role and then its session), and the statement applies as soon
     * as one of them is not listed. So a session is exempt only when its account, its role and the
     * session itself are all listed.
     */
    static boolean exempts(List<PrincipalPattern> listed, Principal who) {
        if (listed.stream().anyMatch(p -> p.kind == Kind.ANYONE)) {
            return true;
        }
        return switch (who.type()) {
            case USER -> lists(listed, Kind.ACCOUNT, who.account()) && lists(listed, Kind.USER, who.arn());
            case ASSUMED_ROLE -> lists(listed, Kind.ACCOUNT, who.account()) && lists(listed, Kind.ROLE, who.roleArn().orElseThrow())
                    && lists(listed, Kind.SESSION, who.arn());
            case SERVICE -> lists(listed, Kind.SERVICE, who.arn());
            case ANONYMOUS -> false;
        };
    }

    private static boolean lists(List<PrincipalPattern> listed, Kind kind, String value) {
        return listed.stream().anyMatch(p -> p.kind == kind && p.value.equals(value));
    }

    /** How directly this entry names {@code who}; {@link Grant#NONE} when it does not. */
    Grant names(Principal who) {
        return switch (kind) {
            case ANYONE -> Grant.PRINCIPAL;
            case ACCOUNT -> who.type() != Principal.Type.SERVICE && value.equals(who.account()) ? Grant.ACCOUNT : Grant.NONE;
            case USER -> value.equals(who.arn()) && who.type() == Principal.Type.USER ? Grant.PRINCIPAL : Grant.NONE;
            case ROLE -> who.roleArn().map(value::equals).orElse(false) ? Grant.PRINCIPAL : Grant.NONE;
            case SESSION -> value.equals(who.arn()) ? Grant.SESSION : Grant.NONE;
            case SERVICE -> who.type() == Principal.Type.SERVICE && value.equals(who.arn()) ? Grant.PRINCIPAL : Grant.NONE;
            // Neither ever names an IAM user, a role session or a service acting on its own.
            case FEDERATED, CANONICAL_USER -> Grant.NONE;
        };
    }
}
