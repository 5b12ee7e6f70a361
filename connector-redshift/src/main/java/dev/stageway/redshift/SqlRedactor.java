package dev.stageway.redshift;

import java.util.regex.Pattern;

/**
 * Masks credentials in COPY and UNLOAD text before it reaches a log line or an exception;
 * Redshift's own error messages may echo the statement, so they pass through here too. Access
 * key IDs stay visible: they are not secret, and they say which identity was used.
 */
public final class SqlRedactor {
    private SqlRedactor() {
    }

    private static final Pattern IN_CREDENTIALS = Pattern.compile("(?i)(aws_secret_access_key|token)=([^;'\\s]*)");
    private static final Pattern OPTION = Pattern.compile("(?i)(SECRET_ACCESS_KEY|SESSION_TOKEN)(\\s+)'[^']*'");

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = IN_CREDENTIALS.matcher(text).replaceAll(m -> m.group(1) + "=***");
        return OPTION.matcher(out).replaceAll(m -> m.group(1) + m.group(2) + "'***'");
    }
}
