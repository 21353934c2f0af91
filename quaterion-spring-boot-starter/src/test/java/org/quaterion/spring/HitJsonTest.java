package org.quaterion.spring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.quaterion.search.Payload;
import org.quaterion.search.VectorIndex;

class HitJsonTest {

    private static String json(VectorIndex.Hit hit) {
        return new String(new StrictJson().write(HitJson.of(hit)), StandardCharsets.UTF_8);
    }

    @Test
    void aJsonPayloadIsTheJsonValueItself() {
        assertEquals("{\"id\":\"a\",\"distance\":0.25,\"payload\":{\"price\":4.50,\"tags\":[\"jp\"]}}",
                json(new VectorIndex.Hit("a", 0.25, Payload.json("{\"price\":4.50,\"tags\":[\"jp\"]}"))));
    }

    @Test
    void aBytesPayloadIsBase64WithItsEncoding() {
        assertEquals("{\"id\":\"a\",\"distance\":0.25,\"payload\":\"AQL/\",\"payloadEncoding\":\"base64\"}",
                json(new VectorIndex.Hit("a", 0.25, Payload.bytes(new byte[] {1, 2, -1}))));
    }

    @Test
    void noPayloadLeavesBothFieldsOut() {
        assertEquals("{\"id\":\"a\",\"distance\":0.25}", json(new VectorIndex.Hit("a", 0.25, null)));
    }
}
