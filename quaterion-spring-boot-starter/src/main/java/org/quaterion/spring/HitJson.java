package org.quaterion.spring;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.util.RawValue;
import java.util.Base64;
import org.quaterion.search.Payload;
import org.quaterion.search.VectorIndex;
import org.quaterion.search.rerank.RerankedHit;

/**
 * A search hit as {@code /search} answers it: {@code {"id": ..., "distance": ...}}, plus the item's payload when it
 * has one: a JSON payload as the JSON value itself ({@code "payload": {"price": 4.5}}), a bytes payload as a base64
 * text with {@code "payloadEncoding": "base64"}; a re-ranked hit also has the re-ranker's {@code "score"}.
 *
 * @param id the item's id
 * @param distance its distance to the query
 * @param payload the JSON value (written as it is) or the base64 text, or null (left out)
 * @param payloadEncoding {@code "base64"} for a bytes payload, else null (left out)
 * @param score the re-ranker's score (higher is more relevant), or null (left out) for a search without re-ranking
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HitJson(String id, double distance, Object payload, String payloadEncoding, Float score) {

    /** The {@code payloadEncoding} of a bytes payload. */
    public static final String BASE64 = "base64";

    /**
     * The answer for a hit.
     *
     * @param hit the index's hit
     * @return its JSON form
     */
    static HitJson of(VectorIndex.Hit hit) {
        return of(hit, null);
    }

    /**
     * The answer for a re-ranked hit.
     *
     * @param hit the re-ranked hit
     * @return its JSON form, with the score
     */
    static HitJson of(RerankedHit hit) {
        return of(hit.hit(), hit.score());
    }

    private static HitJson of(VectorIndex.Hit hit, Float score) {
        Payload payload = hit.payload();
        if (payload == null) {
            return new HitJson(hit.id(), hit.distance(), null, null, score);
        }
        if (payload.isJson()) {
            return new HitJson(hit.id(), hit.distance(), new RawValue(payload.json()), null, score);
        }
        return new HitJson(hit.id(), hit.distance(), Base64.getEncoder().encodeToString(payload.bytes()), BASE64,
                score);
    }
}
