package dev.stageway.redshift;

import java.util.regex.Pattern;

/**
 * Masks credentials in COPY and UNLOAD text, and in JDBC URLs (whose parameters may carry a
 * password or keys), before they reach a log line, an exception or a check's output; Redshift's
 * own error messages may echo the statement, so they pass through here too. Access key IDs stay
 * visible: they are not secret, and they say which identity was used.
 */
public final class SqlRedactor {
    private SqlRedactor() {
    }

    private static final Pattern IN_CREDENTIALS = Pattern.compile("(?i)(aws_secret_access_key|token)=([^;'\\s]*)");
    private static final Pattern OPTION = Pattern.compile("(?i)(SECRET_ACCESS_KEY|SESSION_TOKEN)(\\s+)'[^']*'");
    /** The Redshift driver's URL parameters (after '?' joined by '&', or after ';') that hold secrets. */
    private static final Pattern URL_PARAMETER = Pattern.compile("(?i)([?&;](?:password|pwd|secretaccesskey|sessiontoken|"
            + "iamsecretaccesskey|iamsessiontoken|client_secret)=)([^&;\\s]*)");

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = IN_CREDENTIALS.matcher(text).replaceAll(m -> m.group(1) + "=***");
        out = URL_PARAMETER.matcher(out).replaceAll(m -> m.group(1) + "***");
        return OPTION.matcher(out).replaceAll(m -> m.group(1) + m.group(2) + "'***'");
    }
}
