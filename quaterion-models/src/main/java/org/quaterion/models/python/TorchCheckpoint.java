package org.quaterion.models.python;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;

/**
 * Reads the weights of a PyTorch checkpoint saved with {@code torch.save(model.state_dict(), file)} (a Hugging Face
 * {@code pytorch_model.bin}, for instance), without Python and without running anything from the file: only
 * {@code OrderedDict} and PyTorch's tensor rebuilders are recognised in its pickle, every other call is refused.
 * float32, float64, float16 and bfloat16 tensors are read as float32.
 *
 * <p>Nothing is allocated from a size the file declares before it is checked: the storages may declare at most four
 * times the file's size ({@code torch.save} stores them uncompressed, so a real checkpoint declares what it holds), and
 * every entry is inflated through a counting cap, so a small hostile archive ends in a
 * {@link CorruptArtifactException}, never in an {@code OutOfMemoryError}.
 */
public final class TorchCheckpoint {

    /**
     * One tensor of a checkpoint.
     *
     * @param shape its dimensions
     * @param values its values as float32, row-major; as many as the shape's product
     */
    public record Tensor(long[] shape, float[] values) {}

    private TorchCheckpoint() {}

    /**
     * Reads every float tensor of a state dict.
     *
     * @param file the file {@code torch.save(state_dict)} wrote (PyTorch 1.6 or newer: a zip archive)
     * @param skipNonFloat which tensors of another element type (an integer buffer such as
     *     {@code embeddings.position_ids}) to leave out; any other is refused, naming it and its type
     * @return name (as saved) to tensor, in the file's order
     * @throws IOException when the file cannot be read
     * @throws CorruptArtifactException when the file is damaged: not a zip, a malformed pickle, a tensor or an entry
     *     that does not fit what is declared
     * @throws ModelFormatException when it is not a state dict of tensors (a pickled module, a call to anything but
     *     the tensor rebuilders), or holds a non-float tensor that {@code skipNonFloat} does not accept
     */
    public static Map<String, Tensor> read(Path file, Predicate<String> skipNonFloat) throws IOException {
        return TorchStateDict.readFloat32(file, skipNonFloat);
    }
}
