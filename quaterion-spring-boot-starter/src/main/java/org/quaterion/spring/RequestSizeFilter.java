package org.quaterion.spring;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Answers 413 to a request body over the limit: at once when its Content-Length says so (the body is not read),
 * or as soon as a chunked body passes the limit.
 */
final class RequestSizeFilter extends OncePerRequestFilter {

    private final long maxBytes;

    RequestSizeFilter(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("quaterion.web.max-request-bytes must be >= 1, got " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        long length = request.getContentLengthLong();
        if (length > maxBytes) {
            reject(response, length);
            return;
        }
        chain.doFilter(length >= 0 ? request : new Limited(request, maxBytes), response);
    }

    static void reject(HttpServletResponse response, long length) throws IOException {
        response.setStatus(413);
        response.setContentType("application/json");
        response.setCharacterEncoding("UTF-8");
        String message = "{\"error\":\"request body " + (length >= 0 ? "of " + length + " bytes " : "")
                + "is over quaterion.web.max-request-bytes\"}";
        response.getOutputStream().write(message.getBytes(StandardCharsets.UTF_8));
    }

    /** Thrown when a chunked body passes the limit; the controller answers 413. */
    static final class TooLarge extends IOException {
        private static final long serialVersionUID = 1L;

        TooLarge(long max) {
            super("request body is over quaterion.web.max-request-bytes (" + max + " bytes)");
        }
    }

    /** A request whose body stream fails once more than the limit was read. */
    private static final class Limited extends HttpServletRequestWrapper {
        private final long max;

        Limited(HttpServletRequest request, long max) {
            super(request);
            this.max = max;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            ServletInputStream in = super.getInputStream();
            return new ServletInputStream() {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    if (b >= 0 && ++read > max) {
                        throw new TooLarge(max);
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int len) throws IOException {
                    int n = in.read(buffer, offset, len);
                    if (n > 0 && (read += n) > max) {
                        throw new TooLarge(max);
                    }
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return in.isFinished();
                }

                @Override
                public boolean isReady() {
                    return in.isReady();
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    in.setReadListener(listener);
                }
            };
        }
    }
}
