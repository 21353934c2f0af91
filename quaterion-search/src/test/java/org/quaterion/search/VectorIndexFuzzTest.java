package org.quaterion.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.ArtifactDamage;
import org.quaterion.models.io.AtomicDirectory;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;

/**
 * Damaged and rewritten index directories: random truncations and bit flips of every file, manifests with members
 * missing or of the wrong type, and a consistent rewrite of size and dimension. Each is refused with a
 * {@link ModelFormatException} naming a file of the index, or (a harmless change) opens and answers.
 */
class VectorIndexFuzzTest {

    /** Fixed, printed, and overridable with {@code -Dquaterion.fuzz.seed} to replay a failure. */
    private static final long SEED = Long.getLong("quaterion.fuzz.seed", 20_270_527L);
    private static final int CASES = 300;
    private static final int SIZE = 40;
    private static final int DIMENSION = 8;

    private static List<String> ids() {
        // multi-byte UTF-8 ids: a flip inside one can make the line invalid text
        return IntStream.range(0, SIZE).mapToObj(i -> "é-item-" + i).toList();
    }

    private static Path build(Path dir, VectorIndex.Config config) throws IOException {
        VectorIndex.build(dir, ids(), CloseUnderSearchMain.queries(SIZE, DIMENSION, 3), config).close();
        return dir;
    }

    @Test
    void truncatedOrBitFlippedFilesAreRefusedNamingTheFileOrOpenAndAnswer(@TempDir Path tmp) throws Exception {
        System.out.println("VectorIndexFuzzTest seed " + SEED + " (replay with -Dquaterion.fuzz.seed=" + SEED + ")");
        Random random = new Random(SEED);
        List<Path> pristine = List.of(build(tmp.resolve("exact"), VectorIndex.Config.defaults()),
                build(tmp.resolve("hnsw"), VectorIndex.Config.defaults().withHnswThreshold(0)));
        float[] query = CloseUnderSearchMain.queries(1, DIMENSION, 4)[0];
        int refused = 0;
        for (int c = 0; c < CASES; c++) {
            ArtifactDamage.DamagedCopy damaged = ArtifactDamage.damagedCopy(pristine.get(c % 2),
                    tmp.resolve("case-" + c), random, "case " + c + " (seed " + SEED + ")");
            Path dir = damaged.dir();
            Path file = damaged.file();
            String what = damaged.what();
            try (VectorIndex index = VectorIndex.open(dir)) {
                // only the manifest's harmless members can change unnoticed: every data byte is checksummed
                assertTrue(file.getFileName().toString().equals("vector-index.json"), what + " opened");
                assertEquals(5, index.search(query, 5).size(), what);
            } catch (ModelFormatException e) {
                assertTrue(e.getMessage().startsWith(dir.toString()), what + ": the message names no file of the "
                        + "index: " + e.getMessage());
                refused++;
                if (Boolean.getBoolean("quaterion.fuzz.print")) {
                    System.out.println(what + " -> " + e.getMessage());
                }
            } catch (Throwable e) { // anything else (raw exception, OOM) is the failure this test looks for
                throw new AssertionError(what + ": " + e, e);
            }
            AtomicDirectory.deleteRecursively(dir);
        }
        System.out.println("VectorIndexFuzzTest: " + refused + " of " + CASES + " damaged indexes refused, the others "
                + "differed in a harmless manifest member and answered");
        assertTrue(refused > CASES / 2, refused + " of " + CASES + " damaged indexes refused");
    }

    @Test
    void manifestsWithMissingOrMistypedMembersAreCorruptArtifactsNamingTheManifest(@TempDir Path tmp)
            throws Exception {
        Path dir = build(tmp.resolve("index"), VectorIndex.Config.defaults());
        Path manifest = dir.resolve("vector-index.json");
        JsonObject original = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
        for (String key : original.keySet()) {
            for (String replacement : new String[] {null, "\"text\"", "[1]", "{}", "1.5", "-3", "1e30"}) {
                JsonObject changed = original.deepCopy();
                if (replacement == null) {
                    changed.remove(key);
                } else {
                    changed.add(key, JsonParser.parseString(replacement));
                }
                Files.writeString(manifest, changed.toString());
                String what = key + " := " + replacement;
                try (VectorIndex index = VectorIndex.open(dir)) {
                    fail(what + " opened an index of " + index.size());
                } catch (ModelFormatException e) {
                    assertTrue(e.getMessage().startsWith(manifest.toString())
                            || e.getMessage().startsWith(dir.toString()), what + ": " + e.getMessage());
                } catch (Throwable e) {
                    throw new AssertionError(what + ": " + e, e);
                }
            }
        }
        Files.writeString(manifest, original.toString());
        try (VectorIndex index = VectorIndex.open(dir)) {
            assertEquals(SIZE, index.size());
        }
    }

    @Test
    void aManifestWithoutFormatNamesTheFile(@TempDir Path tmp) throws Exception {
        Path dir = build(tmp.resolve("index"), VectorIndex.Config.defaults());
        Path manifest = dir.resolve("vector-index.json");
        JsonObject o = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
        o.remove("format");
        Files.writeString(manifest, o.toString());
        CorruptArtifactException e = assertThrows(CorruptArtifactException.class, () -> VectorIndex.open(dir));
        assertTrue(e.getMessage().startsWith(manifest + " needs an integer 'format'"), e.getMessage());
    }

    @Test
    void aConsistentRewriteOfSizeAndDimensionIsDetectedByTheChecksum(@TempDir Path tmp) throws Exception {
        Path dir = build(tmp.resolve("index"), VectorIndex.Config.defaults());
        // half the items with twice the dimensions: the same bytes, a manifest and files that agree with each other
        Path manifest = dir.resolve("vector-index.json");
        JsonObject o = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
        o.addProperty("size", SIZE / 2);
        o.addProperty("dimension", DIMENSION * 2);
        Files.writeString(manifest, o.toString());
        Files.write(dir.resolve("ids.txt"), ids().subList(0, SIZE / 2).stream().map(id -> id + "\n")
                .reduce("", String::concat).getBytes(StandardCharsets.UTF_8));
        CorruptArtifactException e = assertThrows(CorruptArtifactException.class, () -> VectorIndex.open(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("ids.txt") + " differs from the SHA-256"), e.getMessage());
        // the ids as they were: the vectors' checksum still sees the rewrite (values in other rows, same bytes)
        o.addProperty("size", SIZE);
        o.addProperty("dimension", DIMENSION);
        Files.writeString(manifest, o.toString());
        try (FileChannel ch = FileChannel.open(dir.resolve("vectors.f32"), StandardOpenOption.WRITE,
                StandardOpenOption.READ)) {
            ByteBuffer first = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(first, 0);
            first.flip();
            float value = first.getFloat();
            first.clear();
            first.putFloat(value + 1).flip();
            ch.write(first, 0);
        }
        Files.write(dir.resolve("ids.txt"), ids().stream().map(id -> id + "\n").reduce("", String::concat)
                .getBytes(StandardCharsets.UTF_8));
        e = assertThrows(CorruptArtifactException.class, () -> VectorIndex.open(dir));
        assertTrue(e.getMessage().startsWith(dir.resolve("vectors.f32") + " differs from the SHA-256"),
                e.getMessage());
    }

    @Test
    void anIndexOfTheFirstFormatIsRefusedWithAMessageToRebuildIt(@TempDir Path tmp) throws Exception {
        Path dir = build(tmp.resolve("index"), VectorIndex.Config.defaults());
        Path manifest = dir.resolve("vector-index.json");
        JsonObject o = JsonParser.parseString(Files.readString(manifest)).getAsJsonObject();
        o.addProperty("format", 1);
        o.remove("ids_sha256");
        o.remove("vectors_sha256");
        Files.writeString(manifest, o.toString());
        ModelFormatException e = assertThrows(ModelFormatException.class, () -> VectorIndex.open(dir));
        assertTrue(e.getMessage().contains("rebuild the index with VectorIndex.build"), e.getMessage());
    }
}
