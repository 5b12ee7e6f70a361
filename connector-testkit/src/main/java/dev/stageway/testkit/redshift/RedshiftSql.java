package dev.stageway.testkit.redshift;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Parses the two statements the Redshift stand-in carries out itself: {@code COPY ... FROM 's3://...'}
 * and {@code UNLOAD ('query') TO 's3://...'}, with their authorisation and options, as Redshift
 * writes them. Anything else is left to PostgreSQL.
 */
final class RedshiftSql {
    private RedshiftSql() {
    }

    /** How the statement says to reach S3. */
    record Authorization(Optional<String> accessKeyId, Optional<String> secretAccessKey, Optional<String> sessionToken,
                         List<String> iamRoles) {
    }

    record Copy(String table, List<String> columns, String from, Authorization auth, Map<String, String> options) {
        boolean has(String option) {
            return options.containsKey(option);
        }
    }

    record Unload(String query, String to, Authorization auth, Map<String, String> options) {
        boolean has(String option) {
            return options.containsKey(option);
        }
    }

    /** A token: a word (identifier or keyword, unquoted or "quoted"), a 'string', or punctuation. */
    private record Token(String text, boolean string, boolean quotedIdentifier) {
        boolean is(String word) {
            return !string && !quotedIdentifier && text.equalsIgnoreCase(word);
        }
    }

    static boolean isCopyFromS3(String sql) {
        List<Token> t = tokenize(sql);
        if (t.isEmpty() || !t.get(0).is("COPY")) {
            return false;
        }
        for (int i = 1; i + 1 < t.size(); i++) {
            if (t.get(i).is("FROM")) {
                return t.get(i + 1).string() && t.get(i + 1).text().startsWith("s3://");
            }
        }
        return false;
    }

    /**
     * What a statement is, as faults name it: its first word in upper case ({@code COPY},
     * {@code COMMIT}, {@code LOCK}, ...), with {@code END} as the {@code COMMIT} it is.
     */
    static String statementKind(String sql) {
        List<Token> t = tokenize(sql);
        if (t.isEmpty()) {
            return "";
        }
        String first = t.get(0).text().toUpperCase(java.util.Locale.ROOT);
        return first.equals("END") ? "COMMIT" : first;
    }

    static boolean isUnload(String sql) {
        List<Token> t = tokenize(sql);
        return !t.isEmpty() && t.get(0).is("UNLOAD");
    }

    static Copy parseCopy(String sql) {
        List<Token> t = tokenize(sql);
        int i = 1;
        StringBuilder table = new StringBuilder(t.get(i++).text());
        while (i < t.size() && t.get(i).text().equals(".")) {
            table.append('.').append(t.get(i + 1).text());
            i += 2;
        }
        List<String> columns = new ArrayList<>();
        if (t.get(i).text().equals("(")) {
            i++;
            while (!t.get(i).text().equals(")")) {
                if (!t.get(i).text().equals(",")) {
                    columns.add(t.get(i).text());
                }
                i++;
            }
            i++;
        }
        expect(t, i++, "FROM");
        String from = t.get(i++).text();
        Options o = options(t, i);
        return new Copy(table.toString(), columns, from, o.auth, o.values);
    }

    static Unload parseUnload(String sql) {
        List<Token> t = tokenize(sql);
        int i = 1;
        expect(t, i++, "(");
        String query = t.get(i++).text();
        expect(t, i++, ")");
        expect(t, i++, "TO");
        String to = t.get(i++).text();
        Options o = options(t, i);
        return new Unload(query, to, o.auth, o.values);
    }

    private record Options(Authorization auth, Map<String, String> values) {
    }

    /** Options as upper-case keys; a value is the option's argument, or "" for a flag. */
    private static Options options(List<Token> t, int i) {
        Map<String, String> values = new LinkedHashMap<>();
        Optional<String> key = Optional.empty();
        Optional<String> secret = Optional.empty();
        Optional<String> token = Optional.empty();
        List<String> roles = new ArrayList<>();
        while (i < t.size()) {
            Token tok = t.get(i++);
            if (tok.text().equals(";")) {
                continue;
            }
            String word = tok.text().toUpperCase(Locale.ROOT);
            // Options whose argument is one string or word, "AS" optional.
            String arg = null;
            if (i < t.size() && t.get(i).is("AS")) {
                i++;
            }
            if (i < t.size() && (t.get(i).string() || isNumber(t.get(i).text()) || argumentWord(word))) {
                arg = t.get(i++).text();
            }
            switch (word) {
                case "CREDENTIALS", "WITH CREDENTIALS" -> {
                    for (String part : String.valueOf(arg).split(";")) {
                        int eq = part.indexOf('=');
                        if (eq < 0) {
                            continue;
                        }
                        String k = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
                        String v = part.substring(eq + 1).trim();
                        switch (k) {
                            case "aws_access_key_id" -> key = Optional.of(v);
                            case "aws_secret_access_key" -> secret = Optional.of(v);
                            case "token" -> token = Optional.of(v);
                            case "aws_iam_role" -> roles.addAll(List.of(v.split(",")));
                            default -> { }
                        }
                    }
                }
                case "ACCESS_KEY_ID" -> key = Optional.ofNullable(arg);
                case "SECRET_ACCESS_KEY" -> secret = Optional.ofNullable(arg);
                case "SESSION_TOKEN" -> token = Optional.ofNullable(arg);
                case "IAM_ROLE" -> roles.addAll(List.of(String.valueOf(arg).split(",")));
                case "FORMAT" -> values.put(String.valueOf(arg).toUpperCase(Locale.ROOT), "");
                case "WITH" -> { }
                case "MAXFILESIZE" -> {
                    long size = Long.parseLong(String.valueOf(arg));
                    if (i < t.size() && (t.get(i).is("MB") || t.get(i).is("GB"))) {
                        size *= t.get(i++).is("GB") ? 1024 * 1024 * 1024L : 1024 * 1024L;
                    } else {
                        size *= 1024 * 1024L;   // Redshift's default unit is MB
                    }
                    values.put(word, String.valueOf(size));
                }
                default -> values.put(word, arg == null ? "" : arg);
            }
        }
        return new Options(new Authorization(key, secret, token, roles.stream().map(String::trim).toList()), values);
    }

    /** Options whose argument is a bare word rather than a string. */
    private static boolean argumentWord(String option) {
        return switch (option) {
            case "FORMAT", "IAM_ROLE", "PARALLEL", "COMPUPDATE", "STATUPDATE", "ENCRYPTED", "EXTENSION" -> true;
            default -> false;
        };
    }

    private static boolean isNumber(String s) {
        return !s.isEmpty() && s.chars().allMatch(c -> Character.isDigit(c) || c == '.');
    }

    private static void expect(List<Token> t, int i, String what) {
        if (i >= t.size() || !t.get(i).text().equalsIgnoreCase(what)) {
            throw new IllegalArgumentException("syntax error at or near \"" + (i < t.size() ? t.get(i).text() : "end of input")
                    + "\", expected " + what);
        }
    }

    private static List<Token> tokenize(String sql) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                while (i < sql.length() && sql.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '\'' || c == '"') {
                StringBuilder b = new StringBuilder();
                i++;
                while (i < sql.length()) {
                    char d = sql.charAt(i);
                    if (d == c && i + 1 < sql.length() && sql.charAt(i + 1) == c) {
                        b.append(c);
                        i += 2;
                    } else if (d == c) {
                        i++;
                        break;
                    } else {
                        b.append(d);
                        i++;
                    }
                }
                out.add(new Token(b.toString(), c == '\'', c == '"'));
            } else if (Character.isLetterOrDigit(c) || c == '_' || c == '$') {
                int start = i;
                while (i < sql.length() && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_' || sql.charAt(i) == '$'
                        || sql.charAt(i) == '.' && isNumber(sql.substring(start, i)))) {
                    i++;
                }
                out.add(new Token(sql.substring(start, i), false, false));
            } else {
                out.add(new Token(String.valueOf(c), false, false));
                i++;
            }
        }
        return out;
    }
}
