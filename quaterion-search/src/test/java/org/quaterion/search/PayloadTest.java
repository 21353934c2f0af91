package org.quaterion.search;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.JsonFiles;

class PayloadTest {

    private static final float[][] VECTORS = {{1, 0, 0}, {0, 1, 0}, {0.9f, 0.1f, 0}, {-0.5f, 0, 1}};
    private static final List<String> IDS = List.of("a", "b", "c", "d");

    private static List<Payload> payloads() {
        return Arrays.asList(Payload.json("{\"title\": \"Alpha\", \"stock\": 3}"), null,
                Payload.bytes(new byte[] {0, 1, 2, (byte) 255}), Payload.json("[1, 2]"));
    }

    @Test
    void jsonIsCheckedStrictlyAndKeptAsGiven() {
        assertEquals("{\"a\":  1}", Payload.json("{\"a\":  1}").json());
        assertTrue(Payload.json("\"text\"").isJson());
        for (String bad : new String[] {"{a: 1}", "{\"a\": 1", "", "{\"a\": 1} {\"b\": 2}", "// x\n1", "'x'"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Payload.json(bad), bad);
            assertTrue(e.getMessage().contains("JSON"), e.getMessage());
        }
        assertThrows(IllegalStateException.class, () -> Payload.bytes(new byte[] {1}).json());
        assertEquals(Payload.bytes(new byte[] {1, 2}), Payload.bytes(new byte[] {1, 2}));
        assertFalse(Payload.bytes("1".getBytes(StandardCharsets.UTF_8)).equals(Payload.json("1")));
    }

    @Test
    void bytesAreCopiedInAndOut() {
        byte[] data = {1, 2, 3};
        Payload p = Payload.bytes(data);
        data[0] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, p.bytes());
        p.bytes()[1] = 9;
        assertArrayEquals(new byte[] {1, 2, 3}, p.bytes());
    }

    @Test
    void anOversizedPayloadIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Payload.bytes(new byte[Payload.MAX_BYTES + 1]));
        assertTrue(e.getMessage().contains("store the record elsewhere"), e.getMessage());
    }

    @Test
    void hitsCarryThePayloadsAfterReopening(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("index");
        VectorIndex.build(dir, IDS, VECTORS, payloads(), VectorIndex.Config.defaults()).close();
        try (VectorIndex index = VectorIndex.open(dir)) {
            List<VectorIndex.Hit> hits = index.search(new float[] {1, 0, 0}, 3);
            assertEquals(List.of("a", "c", "b"), hits.stream().map(VectorIndex.Hit::id).toList());
            assertEquals(payloads().get(0), hits.get(0).payload());
            assertEquals(payloads().get(2), hits.get(1).payload());
            assertNull(hits.get(2).payload());
            assertEquals(payloads().get(3), index.payload("d").orElseThrow());
            assertTrue(index.payload("b").isEmpty());
            assertTrue(index.payload("zz").isEmpty());
            assertArrayEquals(VECTORS[2], index.vector("c").orElseThrow());
            List<VectorIndex.Hit> inStock = index.searchWhere(new float[] {1, 0, 0}, 2,
                    h -> h.payload() != null && h.payload().isJson() && h.payload().json().contains("stock"));
            assertEquals(List.of("a"), inStock.stream().map(VectorIndex.Hit::id).toList());
        }
    }

    @Test
    void anIndexWithoutPayloadsHasNone(@TempDir Path tmp) throws IOException {
        try (VectorIndex index = VectorIndex.build(tmp.resolve("i"), IDS, VECTORS, VectorIndex.Config.defaults())) {
            assertNull(index.search(new float[] {1, 0, 0}, 1).get(0).payload());
            assertFalse(Files.exists(tmp.resolve("i").resolve(PayloadFile.NAME)));
        }
    }

    @Test
    void aFormatTwoIndexStillOpens(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("i");
        VectorIndex.build(dir, IDS, VECTORS, VectorIndex.Config.defaults()).close();
        Path manifest = dir.resolve(VectorIndexFiles.MANIFEST);
        JsonObject o = JsonFiles.read(manifest);
        o.addProperty("format", 2);
        Files.delete(manifest);
        JsonFiles.write(manifest, o);
        try (VectorIndex index = VectorIndex.open(dir)) {
            assertEquals("a", index.search(new float[] {1, 0, 0}, 1).get(0).id());
        }
    }

    @Test
    void aDamagedPayloadFileIsReported(@TempDir Path tmp) throws IOException {
        Path dir = tmp.resolve("i");
        VectorIndex.build(dir, IDS, VECTORS, payloads(), VectorIndex.Config.defaults()).close();
        Path file = dir.resolve(PayloadFile.NAME);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 1;
        Files.write(file, bytes);
        CorruptArtifactException e = assertThrows(CorruptArtifactException.class, () -> VectorIndex.open(dir));
        assertTrue(e.getMessage().contains("SHA-256"), e.getMessage());
        Files.write(file, Arrays.copyOf(bytes, 7));
        e = assertThrows(CorruptArtifactException.class, () -> VectorIndex.open(dir));
        assertTrue(e.getMessage().contains(PayloadFile.NAME), e.getMessage());
    }

    @Test
    void payloadsMustMatchTheIds(@TempDir Path tmp) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> VectorIndex.build(
                tmp.resolve("i"), IDS, VECTORS, List.of(Payload.json("1")), VectorIndex.Config.defaults()));
        assertTrue(e.getMessage().contains("1 payloads for 4 ids"), e.getMessage());
    }
}
