package org.quaterion.spring;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.quaterion.search.VectorIndex;

/**
 * A search hit as {@code /search} answers it: {@code {"id": ..., "distance": ...}}.
 *
 * @param id the item's id
 * @param distance its distance to the query
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record HitJson(String id, double distance) {

    /**
     * The answer for a hit.
     *
     * @param hit the index's hit
     * @return its JSON form
     */
    static HitJson of(VectorIndex.Hit hit) {
        return new HitJson(hit.id(), hit.distance());
    }
}
