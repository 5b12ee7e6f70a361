package dev.stageway.testkit.iam;

import java.util.BitSet;
import java.util.Locale;
import java.util.Optional;

/**
 * IAM's wildcard matching ('*' is any run of characters, '?' any one character), and policy
 * variables: {@code ${aws:username}} and the like take the request's value of that key, with an
 * optional default ({@code ${aws:username, 'none'}}); {@code ${*}}, {@code ${?}} and {@code ${$}}
 * stand for those characters literally. A substituted value is always literal text.
 */
final class Wildcards {
    private Wildcards() {
    }

    /** A pattern after variable substitution: which of its characters are literal rather than wildcards. */
    record Glob(String text, BitSet literal) {
        static Glob of(String pattern) {
            return new Glob(pattern, new BitSet());
        }
    }

    static boolean matches(String pattern, String value, boolean ignoreCase) {
        return matches(Glob.of(pattern), value, ignoreCase);
    }

    static boolean matches(Glob glob, String value, boolean ignoreCase) {
        String p = ignoreCase ? glob.text().toLowerCase(Locale.ROOT) : glob.text();
        String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
        BitSet literal = glob.literal();
        int pi = 0;
        int vi = 0;
        int star = -1;
        int mark = 0;
        while (vi < v.length()) {
            boolean wild = pi < p.length() && !literal.get(pi);
            if (pi < p.length() && ((wild && p.charAt(pi) == '?') || (p.charAt(pi) == v.charAt(vi) && !(wild && p.charAt(pi) == '*')))) {
                pi++;
                vi++;
            } else if (wild && p.charAt(pi) == '*') {
                star = pi++;
                mark = vi;
            } else if (star >= 0) {
                pi = star + 1;
                vi = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*' && !literal.get(pi)) {
            pi++;
        }
        return pi == p.length();
    }

    /**
     * {@code text} with its policy variables replaced by the request's values; empty when a
     * variable names a key the request does not carry (and has no default), so the element
     * cannot match, as in IAM.
     */
    static Optional<Glob> substitute(String text, RequestContext context) {
        StringBuilder out = new StringBuilder();
        BitSet literal = new BitSet();
        int i = 0;
        while (i < text.length()) {
            int start = text.indexOf("${", i);
            int end = start < 0 ? -1 : text.indexOf('}', start);
            if (start < 0 || end < 0) {
                out.append(text, i, text.length());
                break;
            }
            out.append(text, i, start);
            String inside = text.substring(start + 2, end).trim();
            Optional<String> value = switch (inside) {
                case "*", "?", "$" -> Optional.of(inside);
                default -> variable(inside, context);
            };
            if (value.isEmpty()) {
                return Optional.empty();
            }
            literal.set(out.length(), out.length() + value.get().length());
            out.append(value.get());
            i = end + 1;
        }
        return Optional.of(new Glob(out.toString(), literal));
    }

    private static Optional<String> variable(String inside, RequestContext context) {
        int comma = inside.indexOf(',');
        if (comma < 0) {
            return context.single(inside);
        }
        String key = inside.substring(0, comma).trim();
        String fallback = inside.substring(comma + 1).trim();
        if (fallback.length() >= 2 && fallback.startsWith("'") && fallback.endsWith("'")) {
            fallback = fallback.substring(1, fallback.length() - 1);
        }
        return Optional.of(context.single(key).orElse(fallback));
    }
}
