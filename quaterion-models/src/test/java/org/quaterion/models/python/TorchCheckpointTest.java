package org.quaterion.models.python;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;
import org.quaterion.models.python.TorchArchives.Entry;
import org.quaterion.models.python.TorchArchives.Tensor;

/**
 * Reading a checkpoint whose tensors are not known in advance: every float storage type widens to float32, a
 * non-contiguous view is read through its strides, integer buffers are skipped only when the caller says so, and a
 * checkpoint declaring far more than its file holds is refused.
 */
class TorchCheckpointTest {

    private static byte[] shorts(int... bits) {
        ByteBuffer b = ByteBuffer.allocate(2 * bits.length).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : bits) {
            b.putShort((short) v);
        }
        return b.array();
    }

    private static byte[] doubles(double... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (double v : values) {
            b.putDouble(v);
        }
        return b.array();
    }

    @Test
    void everyFloatTypeIsReadAsFloat32AndSkippedBuffersAreLeftOut(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("pytorch_model.bin");
        List<Tensor> tensors = List.of(
                // a (2, 3) transposed view of a 3x2 storage [[1, 2], [3, 4], [5, 6]]: rows are its columns
                new Tensor("linear.weight", "0", 6, 0, new long[] {2, 3}, new long[] {1, 2}),
                Tensor.contiguous("half", "1", 3),
                Tensor.contiguous("brain", "2", 2),
                Tensor.contiguous("double", "3", 1),
                Tensor.contiguous("embeddings.position_ids", "4", 1, 3));
        TorchArchives.writeStateDict(file, TorchArchives.stateDict(tensors, List.of("FloatStorage", "HalfStorage",
                "BFloat16Storage", "DoubleStorage", "LongStorage")), List.of(
                        Entry.stored("archive/data/0", TorchArchives.floats(1, 2, 3, 4, 5, 6)),
                        Entry.stored("archive/data/1", shorts(0x3c00, 0xc000, 0x3555)),
                        Entry.stored("archive/data/2", shorts(0x3f80, 0xc040)),
                        Entry.stored("archive/data/3", doubles(0.1)),
                        Entry.stored("archive/data/4", new byte[24])));

        Map<String, TorchCheckpoint.Tensor> read = TorchCheckpoint.read(file, "embeddings.position_ids"::equals);

        assertEquals(List.of("linear.weight", "half", "brain", "double"), List.copyOf(read.keySet()));
        assertArrayEquals(new long[] {2, 3}, read.get("linear.weight").shape());
        assertArrayEquals(new float[] {1, 3, 5, 2, 4, 6}, read.get("linear.weight").values());
        // float16 0x3555 is 1365/4096 = 0.333251953125 exactly
        assertArrayEquals(new float[] {1, -2, 0.333251953125f}, read.get("half").values());
        assertArrayEquals(new float[] {1, -3}, read.get("brain").values());
        assertArrayEquals(new float[] {0.1f}, read.get("double").values());
    }

    @Test
    void aNonFloatTensorNotSkippedIsRefusedNamingItAndItsType(@TempDir Path tmp) throws Exception {
        Path file = tmp.resolve("pytorch_model.bin");
        TorchArchives.writeStateDict(file, TorchArchives.stateDict(List.of(Tensor.contiguous("steps", "0", 1)),
                List.of("LongStorage")), List.of(Entry.stored("archive/data/0", new byte[8])));

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(file,
                Set.of("embeddings.position_ids")::contains));

        assertTrue(e.getMessage().contains("holds tensor 'steps' of torch.LongStorage: only float32, float64, "
                + "float16 and bfloat16 weights are read"), e.getMessage());
    }

    @Test
    void storagesDeclaringFarMoreThanTheFileHoldsAreRefusedBeforeTheyAreInflated(@TempDir Path tmp)
            throws Exception {
        Path file = tmp.resolve("pytorch_model.bin");
        long elements = 64L << 20; // 256 MiB of float32 zeros, deflated to a few hundred KiB
        TorchArchives.writeStateDict(file, TorchArchives.stateDict(List.of(Tensor.contiguous("big", "0",
                elements))), List.of(Entry.zeroBomb("archive/data/0", 256, elements * 4)));

        ModelFormatException e = assertThrows(ModelFormatException.class, () -> TorchCheckpoint.read(file,
                name -> false));

        assertInstanceOf(CorruptArtifactException.class, e);
        assertTrue(e.getMessage().contains("declares storages of more than ")
                && e.getMessage().contains("bytes, more than " + TorchStateDict.INFLATION + " times the file's size"),
                e.getMessage());
    }
}
