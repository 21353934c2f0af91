package org.quaterion.models;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.LambdaBlock;
import java.util.function.Function;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.encoders.EncoderFactory;

/** Small parameter-free encoders for tests. */
public final class TestModels {

    private TestModels() {}

    /**
     * An encoder over float[] records computing {@code f(x)} with a parameter-free block.
     *
     * @param type the type name
     * @param dim the input and output width
     * @param f the function
     * @return the encoder
     */
    public static BlockEncoder<float[]> lambdaEncoder(String type, int dim,
            Function<ai.djl.ndarray.NDArray, ai.djl.ndarray.NDArray> f) {
        return BlockEncoder.<float[]>builder().setTypeName(type).setBlock(block(f))
                .setCollator(Collators.floatVectors()).setEmbeddingSize(dim).optTrainable(false)
                .optInputShapes(new Shape(1, dim)).build();
    }

    /**
     * The factory that loads {@link #lambdaEncoder} encoders.
     *
     * @param type the type name
     * @param f the function
     * @return the factory
     */
    public static EncoderFactory lambdaFactory(String type, Function<ai.djl.ndarray.NDArray,
            ai.djl.ndarray.NDArray> f) {
        return BlockEncoder.factory(type, () -> block(f), Collators.floatVectors());
    }

    private static LambdaBlock block(Function<ai.djl.ndarray.NDArray, ai.djl.ndarray.NDArray> f) {
        return new LambdaBlock(list -> new NDList(f.apply(list.head())), "lambda");
    }

    /**
     * Deterministic pseudo-random rows in [-1, 1).
     *
     * @param n rows
     * @param dim width
     * @param seed the seed
     * @return the rows
     */
    public static java.util.List<float[]> rows(int n, int dim, long seed) {
        java.util.Random random = new java.util.Random(seed);
        java.util.List<float[]> out = new java.util.ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            float[] r = new float[dim];
            for (int j = 0; j < dim; j++) {
                r[j] = random.nextFloat() * 2 - 1;
            }
            out.add(r);
        }
        return out;
    }
}
