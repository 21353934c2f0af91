package org.quaterion.spring;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpMediaTypeNotAcceptableException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.servlet.HandlerExceptionResolver;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.NoHandlerFoundException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/**
 * Answers every failure of {@code /embed} and {@code /search} as {@code {"error": "..."}}: refused input with its
 * status (400, 404, 413), a wrong method 405 (with {@code Allow}), a body that is not {@code application/json} 415, an
 * unexpected failure 500 (logged, its details not sent). With {@code quaterion.web.json-errors=all} it also answers
 * the application's unknown paths (404), wrong methods (405) and media types (415) so; other paths and failures are
 * left to the application.
 */
final class JsonErrorResolver implements HandlerExceptionResolver, Ordered {

    private static final Logger LOG = LoggerFactory.getLogger(JsonErrorResolver.class);
    private static final Set<String> ENDPOINTS = Set.of(QuaterionController.EMBED, QuaterionController.SEARCH);
    private static final String USAGE = "this service answers POST " + QuaterionController.EMBED + " and POST "
            + QuaterionController.SEARCH + " with a JSON body";

    private final StrictJson json;
    private final boolean everywhere;

    JsonErrorResolver(StrictJson json, boolean everywhere) {
        this.json = json;
        this.everywhere = everywhere;
    }

    /** Before Spring MVC's own resolvers (order 0), after Boot's error-attribute recorder. */
    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 10;
    }

    @Override
    public ModelAndView resolveException(HttpServletRequest request, HttpServletResponse response, Object handler,
            Exception e) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        boolean ours = ENDPOINTS.contains(path) || ENDPOINTS.stream().anyMatch(p -> path.startsWith(p + "/"));
        String what = request.getMethod() + " " + path;
        if (e instanceof HttpRequestMethodNotSupportedException m && (ours || everywhere)) {
            Set<HttpMethod> supported = m.getSupportedHttpMethods();
            String allowed = supported == null ? "" : String.join(", ",
                    supported.stream().map(HttpMethod::name).sorted().toList());
            if (!allowed.isEmpty()) {
                response.setHeader(HttpHeaders.ALLOW, allowed);
            }
            return answer(response, 405, what + " is not supported" + (allowed.isEmpty() ? "" : ": use " + allowed)
                    + (ours ? " with a JSON body" : ""));
        }
        if (e instanceof HttpMediaTypeNotSupportedException m && (ours || everywhere)) {
            response.setHeader(HttpHeaders.ACCEPT, MediaType.toString(m.getSupportedMediaTypes()));
            MediaType sent = m.getContentType();
            return answer(response, 415, "the body's Content-Type is " + (sent == null ? "missing" : sent) + ": " + what
                    + " takes " + MediaType.toString(m.getSupportedMediaTypes())
                    + " (send the header Content-Type: application/json)");
        }
        if (e instanceof HttpMediaTypeNotAcceptableException m && (ours || everywhere)) {
            return answer(response, 406, what + " answers only " + MediaType.toString(m.getSupportedMediaTypes())
                    + ": accept it");
        }
        if ((e instanceof NoHandlerFoundException || e instanceof NoResourceFoundException) && (ours || everywhere)) {
            return answer(response, 404, "no endpoint " + what + ": " + USAGE);
        }
        if (!ours) {
            return null;
        }
        if (e instanceof InputRejectedException r) {
            return answer(response, r.status(), r.getMessage());
        }
        if (e instanceof HttpMessageNotReadableException) {
            return answer(response, 400, "the body could not be read: " + USAGE);
        }
        LOG.error("{} failed", what, e);
        return answer(response, 500, what + " failed on the server (" + e.getClass().getSimpleName()
                + "); its log has the details");
    }

    private ModelAndView answer(HttpServletResponse response, int status, String message) {
        try {
            response.setStatus(status);
            response.setContentType(MediaType.APPLICATION_JSON_VALUE);
            response.getOutputStream().write(json.write(Map.of("error", message)));
        } catch (IOException | IllegalStateException e) {
            LOG.debug("could not write the {} answer (the client may be gone)", status, e);
        }
        return new ModelAndView();
    }
}
