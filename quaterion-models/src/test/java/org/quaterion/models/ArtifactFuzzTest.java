package org.quaterion.models;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.heads.GatedHead;
import org.quaterion.models.heads.LinearHead;
import org.quaterion.models.heads.SequentialHead;
import org.quaterion.models.heads.SkipConnectionHead;
import org.quaterion.models.heads.WideningHead;
import org.quaterion.models.io.ModelFormatException;
import org.quaterion.models.python.PythonServable;

/**
 * Random truncations, bit flips and overwritten integers, from a fixed seed, in the files the model readers parse:
 * the Python servables of the test resources (config.json, head/config.json, the pickled head/weights.bin) and a
 * Java servable (config.json, the head's and the encoder's DJL parameter files, encoder.json; the checksum of a
 * changed file is rewritten so that the parsers, not the checksum, meet the damage). Every case either loads or is
 * refused with a {@link ModelFormatException} naming the servable, and no case allocates 1 GiB of heap.
 */
class ArtifactFuzzTest {

    /** The seed; {@code -Dquaterion.fuzz.seed} replays or explores another. */
    private static final long SEED = Long.getLong("quaterion.fuzz.seed", 20_240_627L);
    /** The number of cases; {@code -Dquaterion.fuzz.cases} runs more. */
    private static final int CASES = Integer.getInteger("quaterion.fuzz.cases", 400);
    private static final long HEAP_BOUND = 1L << 30;
    private static final int[] INTERESTING = {0x7fffffff, 0xffffffff, 0x80000000, 0x7ffffff0, 0x00010000, 0x40000000};
    private static final List<String> PYTHON_HEADS = List.of("empty", "gated", "skip_connection", "softmax_embeddings",
            "stacked_projection", "widening");
    private static final List<String> PYTHON_FILES = List.of("config.json", "head/config.json", "head/weights.bin",
            "head/weights.bin");
    private static final List<String> JAVA_FILES = List.of("config.json", "head/parameters.params",
            "head/parameters.params", "encoders/default/parameters.params", "encoders/default/encoder.json");

    private static Block mlp() {
        return new SequentialBlock().add(Linear.builder().setUnits(6).build()).add(Activation::tanh);
    }

    private static final ModelRegistry REGISTRY = ModelRegistry.discover().register(BlockEncoder.factory("mlp",
            ArtifactFuzzTest::mlp, Collators.floatVectors()));

    private static void saveJavaServable(Path dir) throws IOException {
        BlockEncoder<float[]> encoder = BlockEncoder.<float[]>builder().setTypeName("mlp").setBlock(mlp())
                .setCollator(Collators.floatVectors()).setEmbeddingSize(6).optTrainable(true)
                .optInputShapes(new Shape(1, 4)).build();
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder().setEncoder(encoder)
                .setHead(SequentialHead.of(SkipConnectionHead.builder().setInputSize(6).optNLayers(2).build(),
                        new WideningHead(6), new LinearHead(6, 3), new GatedHead(3)))
                .build()) {
            model.save(dir);
        }
    }

    @Test
    void damagedFilesLoadOrAreRefusedNamingTheServableWithinTheHeapBound(@TempDir Path tmp) throws Exception {
        System.out.println("ArtifactFuzzTest: seed " + SEED + ", " + CASES + " cases");
        Path resources = Paths.get(ArtifactFuzzTest.class.getResource("/python-servables/expected.json").toURI())
                .getParent();
        Path javaServable = tmp.resolve("pristine-java");
        saveJavaServable(javaServable);
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        int loaded = 0;
        long mostAllocated = 0;
        Map<Path, Path> copies = new java.util.HashMap<>(); // a working copy per servable, restored after each case
        for (int i = 0; i < CASES; i++) {
            boolean python = random.nextBoolean();
            Path pristine = python ? resources.resolve(PYTHON_HEADS.get(random.nextInt(PYTHON_HEADS.size()))) : javaServable;
            List<String> files = python ? PYTHON_FILES : JAVA_FILES;
            String rel = files.get(random.nextInt(files.size()));
            Path dir = copies.computeIfAbsent(pristine, p -> tmp.resolve("copy-" + copies.size()));
            if (!Files.exists(dir)) {
                ArtifactDamage.copy(pristine, dir);
            }
            String mutation = mutate(dir.resolve(rel), random);
            if (!python && !rel.equals("config.json")) {
                HostileModelFilesTest.rehash(dir, rel);
            }
            String what = "case " + i + " (" + pristine.getFileName() + "/" + rel + ", " + mutation + ")";
            long before = threads.getCurrentThreadAllocatedBytes();
            try {
                load(dir, python);
                loaded++;
            } catch (ModelFormatException e) {
                if (!e.getMessage().contains(dir.toString())) {
                    failures.add(what + ": the message names no file of the servable: " + e.getMessage());
                }
            } catch (Throwable t) { // anything else, an Error included, is a finding
                failures.add(what + ": " + t + " at " + Arrays.stream(t.getStackTrace()).limit(4)
                        .map(String::valueOf).toList());
            }
            mostAllocated = Math.max(mostAllocated, threads.getCurrentThreadAllocatedBytes() - before);
            for (String restored : List.of(rel, "config.json")) {
                Files.copy(pristine.resolve(restored), dir.resolve(restored), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        System.out.println("ArtifactFuzzTest: " + loaded + " of " + CASES + " damaged servables still loaded, the "
                + "rest were refused; at most " + (mostAllocated >> 20) + " MiB of heap allocated by one case");
        assertEquals(List.of(), failures, "seed " + SEED);
        assertTrue(mostAllocated < HEAP_BOUND, "a case allocated " + mostAllocated + " bytes");
    }

    private static void load(Path dir, boolean python) throws IOException {
        if (python) {
            try (SimilarityModel<float[]> model = PythonServable.load(dir, Map.of("default",
                    TestModels.lambdaEncoder("identity", 4, x -> x)), float[].class)) {
                model.encode(List.of(new float[] {1, 2, 3, 4}), 1);
            }
        } else {
            try (SimilarityModel<float[]> model = SimilarityModel.load(dir, REGISTRY, null, float[].class)) {
                model.encode(List.of(new float[] {1, 2, 3, 4}), 1);
            }
        }
    }

    /** Damages the file: a truncation, 1 to 8 flipped bits, or an integer overwritten; returns what was done. */
    private static String mutate(Path file, Random random) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        int kind = random.nextInt(3);
        if (kind == 0 || bytes.length < 4) {
            int length = random.nextInt(Math.max(1, bytes.length));
            Files.write(file, Arrays.copyOf(bytes, length));
            return "truncated to " + length + " of " + bytes.length + " bytes";
        }
        if (kind == 1) {
            int flips = 1 + random.nextInt(8);
            StringBuilder at = new StringBuilder();
            for (int f = 0; f < flips; f++) {
                int bit = random.nextInt(bytes.length * 8);
                bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                at.append(f == 0 ? "" : ",").append(bit);
            }
            Files.write(file, bytes);
            return "bits " + at + " flipped";
        }
        int position = random.nextInt(bytes.length - 3);
        int value = INTERESTING[random.nextInt(INTERESTING.length)];
        boolean little = random.nextBoolean();
        ByteBuffer.wrap(bytes).order(little ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN)
                .putInt(position, value);
        Files.write(file, bytes);
        return String.format("int 0x%08x written at %d (%s-endian)", value, position, little ? "little" : "big");
    }
}
