package dev.stageway.testkit.api;

import com.sun.net.httpserver.HttpExchange;
import dev.stageway.testkit.LoopbackServer;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/** AWS's query protocol (STS, Redshift): form-encoded parameters in, XML out, errors in an ErrorResponse. */
public final class QueryProtocol {
    private QueryProtocol() {
    }

    /** The request's parameters: those of the query string, then those of the form body. */
    public static Map<String, String> parameters(HttpExchange exchange, byte[] body) {
        Map<String, String> params = new HashMap<>(form(exchange.getRequestURI().getRawQuery()));
        params.putAll(form(new String(body, StandardCharsets.UTF_8)));
        return params;
    }

    private static Map<String, String> form(String encoded) {
        Map<String, String> out = new HashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        for (String part : encoded.split("&")) {
            int eq = part.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    /** Sends {@code e} as the service of namespace {@code ns} does. */
    public static void sendError(HttpExchange exchange, String ns, ApiError e, String requestId) throws IOException {
        LoopbackServer.send(exchange, e.status, "text/xml", "<ErrorResponse xmlns=\"" + ns + "\"><Error><Type>"
                + (e.status >= 500 ? "Receiver" : "Sender") + "</Type><Code>" + e.code + "</Code><Message>" + escape(e.getMessage())
                + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>");
    }

    public static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
