package org.quaterion.onnx.transformer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.io.ModelFormatException;

/**
 * Random truncations, bit flips and overwritten integers, from a fixed seed, in a checkpoint of each format: a
 * safetensors file, the two {@code torch.save} fixtures and a quantised ONNX graph. Every case is read or refused
 * with a {@link ModelFormatException} naming the file, and none allocates 1 GiB of heap.
 */
class CheckpointFuzzTest {

    /** The seed; {@code -Dquaterion.fuzz.seed} replays or explores another. */
    private static final long SEED = Long.getLong("quaterion.fuzz.seed", 20_251_207L);
    /** The number of cases; {@code -Dquaterion.fuzz.cases} runs more. */
    private static final int CASES = Integer.getInteger("quaterion.fuzz.cases", 400);
    private static final long HEAP_BOUND = 1L << 30;
    private static final int[] LARGE = {0x7fffffff, 0xffffffff, 0x80000000, 0x7ffffff0, 0x00010000, 0x40000000};

    private static Map<String, byte[]> pristine() throws Exception {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Path dir = Files.createTempDirectory("checkpoint-fuzz");
        Path safetensors = dir.resolve("model.safetensors");
        List<SafetensorsFiles.Tensor> tensors = new ArrayList<>(SafetensorsFiles.tensors(TinyBert.random(
                TinyBert.shapes(10, 4, 1, 8, 6, 2), 9), "F32"));
        tensors.add(SafetensorsFiles.int64("embeddings.position_ids", new long[] {1, 2}, 0, 1));
        SafetensorsFiles.write(safetensors, tensors);
        files.put("model.safetensors", Files.readAllBytes(safetensors));
        Files.delete(safetensors);
        Files.delete(dir);
        for (String fixture : List.of("tiny-bert-fp32.bin", "tiny-bert-half.bin")) {
            try (InputStream in = CheckpointFuzzTest.class.getResourceAsStream("/transformer/" + fixture)) {
                files.put(fixture, in.readAllBytes());
            }
        }
        files.put("quantised.onnx", OnnxWeightsTest.quantisedGraph());
        return files;
    }

    @Test
    void damagedCheckpointsAreReadOrRefusedNamingTheFileWithinTheHeapBound(@TempDir Path tmp) throws Exception {
        System.out.println("CheckpointFuzzTest: seed " + SEED + ", " + CASES + " cases");
        Map<String, byte[]> files = pristine();
        List<String> names = List.copyOf(files.keySet());
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
                .getThreadMXBean();
        Random random = new Random(SEED);
        List<String> failures = new ArrayList<>();
        int read = 0;
        long most = 0;
        for (int i = 0; i < CASES; i++) {
            String name = names.get(random.nextInt(names.size()));
            byte[] bytes = files.get(name).clone();
            String damage = damage(bytes, random);
            Path file = tmp.resolve(name);
            Files.write(file, damage.startsWith("truncated to ") ? Arrays.copyOf(bytes, Integer.parseInt(damage
                    .substring("truncated to ".length()))) : bytes);
            long before = threads.getCurrentThreadAllocatedBytes();
            try {
                CheckpointWeights.read(file);
                read++;
            } catch (ModelFormatException e) {
                if (!e.getMessage().startsWith(file.toString())) {
                    failures.add("case " + i + " (" + name + ", " + damage + "): names no file: " + e.getMessage());
                }
            } catch (Throwable t) { // anything else, an Error included, is a finding
                failures.add("case " + i + " (" + name + ", " + damage + "): " + t + " at " + Arrays.stream(
                        t.getStackTrace()).limit(4).map(String::valueOf).toList());
            }
            most = Math.max(most, threads.getCurrentThreadAllocatedBytes() - before);
        }
        System.out.println("CheckpointFuzzTest: " + read + " of " + CASES + " damaged checkpoints still read, the "
                + "rest were refused; at most " + (most >> 20) + " MiB of heap allocated by one case");
        assertEquals(List.of(), failures, "seed " + SEED);
        assertTrue(most < HEAP_BOUND, "a case allocated " + most + " bytes");
    }

    /** Damages the bytes in place (or says where to truncate them); returns what was done. */
    private static String damage(byte[] bytes, Random random) {
        switch (random.nextInt(3)) {
            case 0 -> {
                return "truncated to " + random.nextInt(bytes.length);
            }
            case 1 -> {
                int flips = 1 + random.nextInt(8);
                List<Integer> bits = new ArrayList<>();
                for (int f = 0; f < flips; f++) {
                    int bit = random.nextInt(bytes.length * 8);
                    bytes[bit / 8] ^= (byte) (1 << (bit % 8));
                    bits.add(bit);
                }
                return "bits " + bits + " flipped";
            }
            default -> {
                int at = random.nextInt(bytes.length - 3);
                int value = LARGE[random.nextInt(LARGE.length)];
                boolean little = random.nextBoolean();
                ByteBuffer.wrap(bytes).order(little ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN).putInt(at,
                        value);
                return String.format("0x%08x written at %d, %s-endian", value, at, little ? "little" : "big");
            }
        }
    }
}
