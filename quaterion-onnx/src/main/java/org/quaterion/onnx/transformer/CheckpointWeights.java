package org.quaterion.onnx.transformer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.quaterion.models.io.CorruptArtifactException;
import org.quaterion.models.io.ModelFormatException;
import org.quaterion.models.python.TorchCheckpoint;

/**
 * Reads the pretrained weights of a BERT-family encoder (BERT, XLM-RoBERTa and their fine-tunes: all-MiniLM, bge, e5,
 * gte, multilingual-e5) from whatever form it comes in, as float32 in PyTorch's layout, keyed by the names of a
 * Hugging Face {@code BertModel} / {@code XLMRobertaModel} state dict without the model prefix:
 * {@code embeddings.word_embeddings.weight}, {@code encoder.layer.0.attention.self.query.weight}, …,
 * {@code pooler.dense.weight} where the checkpoint has a pooler. Heads a checkpoint may carry beside the encoder
 * ({@code cls.*}, {@code lm_head.*}) are kept under their own names; integer buffers
 * ({@code embeddings.position_ids}) are left out.
 *
 * <ul>
 *   <li>a Hugging Face model directory: {@code model.safetensors}, else {@code model.safetensors.index.json} (shards),
 *       else {@code pytorch_model.bin}, else {@code pytorch_model.bin.index.json};
 *   <li>a {@code .safetensors} file (F32, F16, BF16 or F64 tensors);
 *   <li>a {@code .bin} / {@code .pt} / {@code .pth} file written by {@code torch.save(model.state_dict())} (read
 *       without Python, running nothing from the file);
 *   <li>a {@code .onnx} export, fp32 or int8 (dynamically quantised weights are dequantised).
 * </ul>
 *
 * <p>Every file is checked before anything is allocated from what it declares: a damaged or hostile file ends in a
 * {@link CorruptArtifactException} naming it, never in an {@code OutOfMemoryError}.
 */
public final class CheckpointWeights {

    private static final String SAFETENSORS = "model.safetensors";
    private static final String SAFETENSORS_INDEX = "model.safetensors.index.json";
    private static final String TORCH = "pytorch_model.bin";
    private static final String TORCH_INDEX = "pytorch_model.bin.index.json";

    private CheckpointWeights() {}

    /**
     * Reads the weights of a checkpoint.
     *
     * @param fileOrDir a Hugging Face model directory, or a {@code .safetensors}, {@code .bin}/{@code .pt}/
     *     {@code .pth}, {@code .onnx} or shard index ({@code .index.json}) file
     * @return weight name (Hugging Face, without model prefix) to weight, in the file's order; unmodifiable
     * @throws IOException when a file cannot be read
     * @throws CorruptArtifactException when a file is truncated, damaged or inconsistent
     * @throws ModelFormatException when the path is missing, a directory holds no checkpoint (the message lists
     *     what it holds), the file is of another format, or a tensor has an unsupported dtype (named with the dtype)
     */
    public static Map<String, WeightTensor> read(Path fileOrDir) throws IOException {
        Path file = Files.isDirectory(fileOrDir) ? inDirectory(fileOrDir) : fileOrDir;
        if (!Files.exists(file)) {
            throw new ModelFormatException(file, "is missing: give a Hugging Face model directory or a "
                    + ".safetensors, pytorch_model.bin or .onnx file");
        }
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException(file, "is not a regular file (a pipe or device): a checkpoint is a file "
                    + "or a directory");
        }
        Path fileName = file.getFileName();
        String name = fileName == null ? "" : fileName.toString().toLowerCase(Locale.ROOT);
        Map<String, WeightTensor> raw;
        if (name.endsWith(".index.json")) {
            raw = ShardIndex.read(file, name.contains(".safetensors") ? SafetensorsReader::read
                    : CheckpointWeights::readTorch);
        } else if (name.endsWith(".safetensors")) {
            raw = SafetensorsReader.read(file);
        } else if (name.endsWith(".bin") || name.endsWith(".pt") || name.endsWith(".pth")) {
            raw = readTorch(file);
        } else if (name.endsWith(".onnx")) {
            raw = OnnxWeights.read(file);
        } else {
            throw new ModelFormatException(file, "is of no checkpoint format read here: give a Hugging Face model "
                    + "directory or a .safetensors, .bin/.pt/.pth (torch.save state dict), .onnx or .index.json "
                    + "file");
        }
        return Collections.unmodifiableMap(WeightNames.normalise(raw, file));
    }

    /** The checkpoint file of a Hugging Face directory, preferring safetensors as {@code transformers} does. */
    private static Path inDirectory(Path dir) throws IOException {
        for (String name : List.of(SAFETENSORS, SAFETENSORS_INDEX, TORCH, TORCH_INDEX)) {
            Path file = dir.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path p : files) {
                found.add(p.getFileName() + (Files.isDirectory(p) ? "/" : ""));
            }
        }
        Collections.sort(found);
        throw new ModelFormatException(dir, "holds no checkpoint (" + SAFETENSORS + ", " + SAFETENSORS_INDEX + ", "
                + TORCH + " or " + TORCH_INDEX + "); it holds " + (found.isEmpty() ? "nothing" : found.size() <= 20
                        ? found : found.subList(0, 20) + " and " + (found.size() - 20) + " more")
                + ": download the model's weights, or give its .onnx file");
    }

    /** A {@code torch.save} state dict, its integer buffers left out. */
    private static Map<String, WeightTensor> readTorch(Path file) throws IOException {
        Map<String, WeightTensor> out = new LinkedHashMap<>();
        TorchCheckpoint.read(file, WeightNames::isBuffer).forEach((name, t) -> out.put(name,
                new WeightTensor(t.shape(), t.values())));
        return out;
    }
}
