package dev.stageway.testkit.iam;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * IAM's condition operators, without their {@code IfExists} suffix or set qualifier. Each knows
 * how one policy value compares with one request value, and whether it is a negated form (which
 * holds when no policy value matches).
 */
enum ConditionOperator {
    STRING_EQUALS("StringEquals", Kind.STRING, false),
    STRING_NOT_EQUALS("StringNotEquals", Kind.STRING, true),
    STRING_EQUALS_IGNORE_CASE("StringEqualsIgnoreCase", Kind.STRING_IGNORE_CASE, false),
    STRING_NOT_EQUALS_IGNORE_CASE("StringNotEqualsIgnoreCase", Kind.STRING_IGNORE_CASE, true),
    STRING_LIKE("StringLike", Kind.STRING_LIKE, false),
    STRING_NOT_LIKE("StringNotLike", Kind.STRING_LIKE, true),
    NUMERIC_EQUALS("NumericEquals", Kind.NUMERIC_EQ, false),
    NUMERIC_NOT_EQUALS("NumericNotEquals", Kind.NUMERIC_EQ, true),
    NUMERIC_LESS_THAN("NumericLessThan", Kind.NUMERIC_LT, false),
    NUMERIC_LESS_THAN_EQUALS("NumericLessThanEquals", Kind.NUMERIC_LE, false),
    NUMERIC_GREATER_THAN("NumericGreaterThan", Kind.NUMERIC_GT, false),
    NUMERIC_GREATER_THAN_EQUALS("NumericGreaterThanEquals", Kind.NUMERIC_GE, false),
    DATE_EQUALS("DateEquals", Kind.DATE_EQ, false),
    DATE_NOT_EQUALS("DateNotEquals", Kind.DATE_EQ, true),
    DATE_LESS_THAN("DateLessThan", Kind.DATE_LT, false),
    DATE_LESS_THAN_EQUALS("DateLessThanEquals", Kind.DATE_LE, false),
    DATE_GREATER_THAN("DateGreaterThan", Kind.DATE_GT, false),
    DATE_GREATER_THAN_EQUALS("DateGreaterThanEquals", Kind.DATE_GE, false),
    BOOL("Bool", Kind.BOOL, false),
    BINARY_EQUALS("BinaryEquals", Kind.STRING, false),
    IP_ADDRESS("IpAddress", Kind.IP, false),
    NOT_IP_ADDRESS("NotIpAddress", Kind.IP, true),
    ARN_EQUALS("ArnEquals", Kind.ARN, false),
    ARN_LIKE("ArnLike", Kind.ARN, false),
    ARN_NOT_EQUALS("ArnNotEquals", Kind.ARN, true),
    ARN_NOT_LIKE("ArnNotLike", Kind.ARN, true),
    NULL("Null", Kind.NULL, false);

    private enum Kind {
        STRING, STRING_IGNORE_CASE, STRING_LIKE, NUMERIC_EQ, NUMERIC_LT, NUMERIC_LE, NUMERIC_GT, NUMERIC_GE,
        DATE_EQ, DATE_LT, DATE_LE, DATE_GT, DATE_GE, BOOL, IP, ARN, NULL
    }

    final String iamName;
    private final Kind kind;
    final boolean negated;

    ConditionOperator(String iamName, Kind kind, boolean negated) {
        this.iamName = iamName;
        this.kind = kind;
        this.negated = negated;
    }

    static Optional<ConditionOperator> named(String name) {
        for (ConditionOperator o : values()) {
            if (o.iamName.equals(name)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    /** Whether policy variables are substituted in this operator's values (the string and ARN operators). */
    boolean takesVariables() {
        return kind == Kind.STRING || kind == Kind.STRING_IGNORE_CASE || kind == Kind.STRING_LIKE || kind == Kind.ARN;
    }

    /** Why {@code policyValue} cannot be a value of this operator, or empty when it can. */
    Optional<String> invalidValue(String policyValue) {
        boolean ok = switch (kind) {
            case NUMERIC_EQ, NUMERIC_LT, NUMERIC_LE, NUMERIC_GT, NUMERIC_GE -> number(policyValue).isPresent();
            case DATE_EQ, DATE_LT, DATE_LE, DATE_GT, DATE_GE -> date(policyValue).isPresent();
            case BOOL, NULL -> policyValue.equalsIgnoreCase("true") || policyValue.equalsIgnoreCase("false");
            case IP -> Cidr.parse(policyValue).isPresent();
            default -> true;
        };
        return ok ? Optional.empty() : Optional.of("'" + policyValue + "' is not a valid value for " + iamName);
    }

    /** Whether one request value matches one policy value (before negation). */
    boolean matches(Wildcards.Glob policyValue, String requestValue) {
        String p = policyValue.text();
        return switch (kind) {
            case STRING -> p.equals(requestValue);
            case STRING_IGNORE_CASE -> p.equalsIgnoreCase(requestValue);
            case STRING_LIKE -> Wildcards.matches(policyValue, requestValue, false);
            case NUMERIC_EQ, NUMERIC_LT, NUMERIC_LE, NUMERIC_GT, NUMERIC_GE -> compareNumbers(p, requestValue);
            case DATE_EQ, DATE_LT, DATE_LE, DATE_GT, DATE_GE -> compareDates(p, requestValue);
            case BOOL -> p.equalsIgnoreCase(requestValue);
            case IP -> Cidr.parse(p).map(c -> c.contains(requestValue)).orElse(false);
            case ARN -> arnMatches(policyValue, requestValue);
            case NULL -> throw new IllegalStateException("Null is decided by the key's presence");
        };
    }

    private boolean compareNumbers(String policyValue, String requestValue) {
        Optional<BigDecimal> p = number(policyValue);
        Optional<BigDecimal> r = number(requestValue);
        if (p.isEmpty() || r.isEmpty()) {
            return false;
        }
        return ordered(r.get().compareTo(p.get()));
    }

    private boolean compareDates(String policyValue, String requestValue) {
        Optional<Instant> p = date(policyValue);
        Optional<Instant> r = date(requestValue);
        if (p.isEmpty() || r.isEmpty()) {
            return false;
        }
        return ordered(r.get().compareTo(p.get()));
    }

    /** {@code cmp} is the request value compared with the policy value. */
    private boolean ordered(int cmp) {
        return switch (kind) {
            case NUMERIC_EQ, DATE_EQ -> cmp == 0;
            case NUMERIC_LT, DATE_LT -> cmp < 0;
            case NUMERIC_LE, DATE_LE -> cmp <= 0;
            case NUMERIC_GT, DATE_GT -> cmp > 0;
            case NUMERIC_GE, DATE_GE -> cmp >= 0;
            default -> throw new IllegalStateException(name());
        };
    }

    /** ArnEquals and ArnLike alike: each of the six colon-separated parts matched on its own, with wildcards. */
    private static boolean arnMatches(Wildcards.Glob policyValue, String requestValue) {
        String[] p = policyValue.text().split(":", 6);
        String[] r = requestValue.split(":", 6);
        if (p.length != 6 || r.length != 6) {
            return false;
        }
        int offset = 0;
        for (int i = 0; i < 6; i++) {
            java.util.BitSet part = policyValue.literal().get(offset, offset + p[i].length());
            if (!Wildcards.matches(new Wildcards.Glob(p[i], part), r[i], false)) {
                return false;
            }
            offset += p[i].length() + 1;
        }
        return true;
    }

    static Optional<BigDecimal> number(String s) {
        try {
            return Optional.of(new BigDecimal(s.trim()));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** ISO 8601 (a date, or a date and time with or without an offset, UTC when none) or epoch seconds. */
    static Optional<Instant> date(String s) {
        String t = s.trim();
        if (t.matches("-?\\d+")) {
            return Optional.of(Instant.ofEpochSecond(Long.parseLong(t)));
        }
        try {
            return Optional.of(OffsetDateTime.parse(t).toInstant());
        } catch (DateTimeParseException e) {
            // not with an offset; try the other forms
        }
        try {
            return Optional.of(LocalDateTime.parse(t).toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            // not a local date-time
        }
        try {
            return Optional.of(LocalDate.parse(t).atStartOfDay().toInstant(ZoneOffset.UTC));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** An IPv4 or IPv6 address or CIDR block. */
    record Cidr(byte[] network, int prefix) {
        static Optional<Cidr> parse(String text) {
            String t = text.trim();
            int slash = t.indexOf('/');
            String address = slash < 0 ? t : t.substring(0, slash);
            Optional<byte[]> bytes = address(address);
            if (bytes.isEmpty()) {
                return Optional.empty();
            }
            int bits = bytes.get().length * 8;
            int prefix = bits;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(t.substring(slash + 1));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
                if (prefix < 0 || prefix > bits) {
                    return Optional.empty();
                }
            }
            return Optional.of(new Cidr(bytes.get(), prefix));
        }

        boolean contains(String requestValue) {
            Optional<byte[]> a = address(requestValue.trim());
            if (a.isEmpty() || a.get().length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >> (bit % 8);
                if ((a.get()[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }

        /** Parses only literal addresses: never a host name, so never a DNS lookup. */
        private static Optional<byte[]> address(String s) {
            boolean v4 = s.matches("\\d{1,3}(\\.\\d{1,3}){3}");
            boolean v6 = s.contains(":") && s.matches("[0-9a-fA-F:.]+");
            if (!v4 && !v6) {
                return Optional.empty();
            }
            if (v4) {
                for (String octet : s.split("\\.")) {
                    if (Integer.parseInt(octet) > 255) {
                        return Optional.empty();
                    }
                }
            }
            try {
                return Optional.of(InetAddress.getByName(s).getAddress());
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
    }
}
