package org.quaterion.spring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.util.RawValue;
import java.util.Base64;
import org.quaterion.search.Payload;
import org.quaterion.search.VectorIndex;

/**
 * A search hit as {@code /search} answers it: {@code {"id": ..., "distance": ...}}, plus the item's payload when it
 * has one: a JSON payload as the JSON value itself ({@code "payload": {"price": 4.5}}), a bytes payload as a base64
 * text with {@code "payloadEncoding": "base64"}.
 *
 * @param id the item's id
 * @param distance its distance to the query
 * @param payload the JSON value (written as it is) or the base64 text, or null (left out)
 * @param payloadEncoding {@code "base64"} for a bytes payload, else null (left out)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HitJson(String id, double distance, Object payload, String payloadEncoding) {

    /** The {@code payloadEncoding} of a bytes payload. */
    public static final String BASE64 = "base64";

    /**
     * The answer for a hit.
     *
     * @param hit the index's hit
     * @return its JSON form
     */
    static HitJson of(VectorIndex.Hit hit) {
        Payload payload = hit.payload();
        if (payload == null) {
            return new HitJson(hit.id(), hit.distance(), null, null);
        }
        if (payload.isJson()) {
            return new HitJson(hit.id(), hit.distance(), new RawValue(payload.json()), null);
        }
        return new HitJson(hit.id(), hit.distance(), Base64.getEncoder().encodeToString(payload.bytes()), BASE64);
    }
}
