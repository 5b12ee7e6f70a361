package dev.stageway.testkit.s3;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;

/**
 * An answer cut short: its headers go out as given (Content-Length promising the whole body),
 * then the connection closes half-way through the body, as a network failure mid-transfer does.
 */
final class Truncating extends HttpServletResponseWrapper {
    private final HttpServletRequest request;
    private ServletOutputStream out;

    Truncating(HttpServletRequest request, HttpServletResponse response) {
        super(response);
        this.request = request;
    }

    /** Closes the request's connection at once, with no answer. */
    static void dropConnection(HttpServletRequest request) {
        ServletContextRequest.getServletContextRequest(request).getConnectionMetaData().getConnection().getEndPoint().close();
    }

    @Override
    public ServletOutputStream getOutputStream() throws IOException {
        if (out == null) {
            out = new ForwardingOutputStream(super.getOutputStream()) {
                private long written;
                private long limit = -1;

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (limit < 0) {
                        // Half the promised body; without a length, half the first write.
                        String length = getHeader("Content-Length");
                        limit = length == null || length.equals("0") ? len / 2 : Long.parseLong(length) / 2;
                    }
                    int allowed = (int) Math.max(0, Math.min(len, limit - written));
                    real.write(b, off, allowed);
                    written += allowed;
                    if (allowed < len) {
                        real.flush();
                        dropConnection(request);
                        throw new IOException("the sandbox cut this answer short after " + written + " bytes (an injected fault)");
                    }
                }
            };
        }
        return out;
    }
}
