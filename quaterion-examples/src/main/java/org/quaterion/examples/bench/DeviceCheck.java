package org.quaterion.examples.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.quaterion.models.SimilarityModel;
import org.quaterion.models.encoders.BlockEncoder;
import org.quaterion.models.encoders.Collators;
import org.quaterion.models.heads.SkipConnectionHead;

/**
 * The first step of {@code scripts/gpu-check.sh}: which engine and device DJL picked, whether a GPU is there, and a
 * float32 matrix product and a model's forward pass on it, timed. Exits with status 2 when no GPU is visible, so
 * the script fails loudly on a machine without one.
 */
public final class DeviceCheck {

    private DeviceCheck() {}

    /**
     * Runs the check.
     *
     * @param args none
     */
    public static void main(String[] args) {
        Engine engine = Engine.getInstance();
        int gpus = engine.getGpuCount();
        System.out.printf("engine %s %s, default device %s, %d GPU(s)%n", engine.getEngineName(),
                engine.getVersion(), engine.defaultDevice(), gpus);
        if (gpus == 0) {
            System.err.println("no GPU visible to DJL: check the CUDA driver, and that the build used -Pcuda-central "
                    + "or -Dcuda (not the CPU runtime)");
            System.exit(2);
        }
        Device gpu = Device.gpu();
        try (NDManager m = NDManager.newBaseManager(gpu)) {
            NDArray a = m.randomNormal(new Shape(4096, 4096));
            a.matMul(a).sum().getFloat(); // warm-up
            long t0 = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                a.matMul(a).sum().getFloat(); // the host read waits for the kernel
            }
            double seconds = (System.nanoTime() - t0) / 1e9 / 10;
            System.out.printf("4096^3 float32 matMul on %s: %.2f ms, %.0f GFLOP/s%n", gpu, seconds * 1e3,
                    2.0 * 4096 * 4096 * 4096 / seconds / 1e9);
        }
        try (SimilarityModel<float[]> model = SimilarityModel.<float[]>builder().setEncoder(BlockEncoder.<float[]>
                builder().setTypeName("passthrough").setBlock(new ai.djl.nn.LambdaBlock(l -> l))
                .setCollator(Collators.floatVectors()).setEmbeddingSize(384).optTrainable(false)
                .optInputShapes(new Shape(1, 384)).build()).setHead(new SkipConnectionHead(384)).optDevice(gpu).build()) {
            float[][] out = model.encode(List.of(new float[384], new float[384]), 2);
            System.out.printf("a model on %s encodes: %d x %d%n", model.device(), out.length, out[0].length);
        }
    }
}
