package org.quaterion.augment;

import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Image transforms (torchvision's usual training set) on images held as {@code float[]} records in height × width ×
 * channels order, run as DJL array operations. Enabled transforms run in this order: random resized crop, horizontal
 * flip, translation and rotation (one nearest-neighbour warp, zero outside), brightness and contrast jitter, random
 * erasing. Immutable; build it with {@link #builder(int, int, int)}.
 */
public final class ImageAugmentation implements Augmentation<float[]> {

    private final int height;
    private final int width;
    private final int channels;
    private final double cropMinScale;
    private final double flip;
    private final int maxShift;
    private final double maxDegrees;
    private final double brightness;
    private final double contrast;
    private final double erase;
    private final double eraseMinArea;
    private final double eraseMaxArea;

    private ImageAugmentation(Builder b) {
        this.height = b.height;
        this.width = b.width;
        this.channels = b.channels;
        this.cropMinScale = b.cropMinScale;
        this.flip = b.flip;
        this.maxShift = b.maxShift;
        this.maxDegrees = b.maxDegrees;
        this.brightness = b.brightness;
        this.contrast = b.contrast;
        this.erase = b.erase;
        this.eraseMinArea = b.eraseMinArea;
        this.eraseMaxArea = b.eraseMaxArea;
    }

    /**
     * A builder for images of this shape, with every transform off.
     *
     * @param height rows
     * @param width columns
     * @param channels channels (last)
     * @return the builder
     */
    public static Builder builder(int height, int width, int channels) {
        return new Builder(height, width, channels);
    }

    @Override
    public float[] apply(float[] record, Random random) {
        if (record.length != height * width * channels) {
            throw new IllegalArgumentException("the image has " + record.length + " values, not " + height + " x "
                    + width + " x " + channels + "; give the ImageAugmentation the images' shape");
        }
        // on the CPU, in the loader's thread: the transforms are small per-image operations, not work for a GPU
        try (NDManager m = NDManager.newBaseManager(ai.djl.Device.cpu())) {
            NDArray x = m.create(record, new Shape(height, width, channels));
            if (cropMinScale < 1) {
                x = crop(x, random);
            }
            if (flip > 0 && random.nextDouble() < flip) {
                x = x.flip(1);
            }
            if (maxShift > 0 || maxDegrees > 0) {
                x = warp(m, x, maxShift == 0 ? 0 : random.nextInt(2 * maxShift + 1) - maxShift,
                        maxShift == 0 ? 0 : random.nextInt(2 * maxShift + 1) - maxShift,
                        maxDegrees == 0 ? 0 : Math.toRadians((2 * random.nextDouble() - 1) * maxDegrees));
            }
            if (brightness > 0 || contrast > 0) {
                double beta = 1 + (2 * random.nextDouble() - 1) * brightness;
                double gamma = 1 + (2 * random.nextDouble() - 1) * contrast;
                NDArray mean = x.mean();
                x = x.mul(m.create((float) beta)).sub(mean.mul(m.create((float) beta))).mul(m.create((float) gamma))
                        .add(mean.mul(m.create((float) beta)));
            }
            if (erase > 0 && random.nextDouble() < erase) {
                x = erase(x, random);
            }
            return x.toFloatArray();
        }
    }

    /** A crop of a random area fraction in [cropMinScale, 1] and aspect ratio in [3/4, 4/3], resized back. */
    private NDArray crop(NDArray x, Random random) {
        for (int attempt = 0; attempt < 10; attempt++) {
            double area = height * width * (cropMinScale + (1 - cropMinScale) * random.nextDouble());
            double ratio = Math.exp(Math.log(3.0 / 4) + (Math.log(4.0 / 3) - Math.log(3.0 / 4)) * random.nextDouble());
            int w = (int) Math.round(Math.sqrt(area * ratio));
            int h = (int) Math.round(Math.sqrt(area / ratio));
            if (w >= 1 && h >= 1 && w <= width && h <= height) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                NDArray part = x.get(new NDIndex(top + ":" + (top + h) + ", " + left + ":" + (left + w) + ", :"));
                return NDImageUtils.resize(part, width, height);
            }
        }
        return x;
    }

    /** Shift by (dy, dx) pixels and rotate by {@code angle} about the centre; nearest neighbour, zero outside. */
    private NDArray warp(NDManager m, NDArray x, int dy, int dx, double angle) {
        long[] source = new long[height * width];
        double cy = (height - 1) / 2.0;
        double cx = (width - 1) / 2.0;
        double cos = Math.cos(angle);
        double sin = Math.sin(angle);
        for (int r = 0; r < height; r++) {
            for (int c = 0; c < width; c++) {
                double y = r - dy - cy;
                double xx = c - dx - cx;
                int sr = (int) Math.round(cos * y - sin * xx + cy);
                int sc = (int) Math.round(sin * y + cos * xx + cx);
                source[r * width + c] = sr < 0 || sr >= height || sc < 0 || sc >= width ? height * width
                        : (long) sr * width + sc;
            }
        }
        NDArray flat = x.reshape(height * width, channels).concat(m.zeros(new Shape(1, channels), x.getDataType()), 0);
        return flat.get(m.create(source)).reshape(height, width, channels);
    }

    /** A rectangle of random area fraction and aspect ratio in [0.3, 3.3] set to 0. */
    private NDArray erase(NDArray x, Random random) {
        for (int attempt = 0; attempt < 10; attempt++) {
            double area = height * width * (eraseMinArea + (eraseMaxArea - eraseMinArea) * random.nextDouble());
            double ratio = Math.exp(Math.log(0.3) + (Math.log(3.3) - Math.log(0.3)) * random.nextDouble());
            int h = (int) Math.round(Math.sqrt(area * ratio));
            int w = (int) Math.round(Math.sqrt(area / ratio));
            if (h >= 1 && w >= 1 && h < height && w < width) {
                int top = random.nextInt(height - h + 1);
                int left = random.nextInt(width - w + 1);
                NDArray out = x.duplicate();
                out.set(new NDIndex(top + ":" + (top + h) + ", " + left + ":" + (left + w) + ", :"), 0);
                return out;
            }
        }
        return x;
    }

    @Override
    public String describe() {
        List<String> parts = new ArrayList<>();
        parts.add(String.format(Locale.ROOT, "%dx%dx%d", height, width, channels));
        parts.add("crop " + cropMinScale);
        parts.add("flip " + flip);
        parts.add("shift " + maxShift);
        parts.add("rotate " + maxDegrees);
        parts.add("brightness " + brightness);
        parts.add("contrast " + contrast);
        parts.add("erase " + erase + " [" + eraseMinArea + ", " + eraseMaxArea + "]");
        return "image(" + String.join(", ", parts) + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Builds an {@link ImageAugmentation}; each transform is off until set. */
    public static final class Builder {
        private final int height;
        private final int width;
        private final int channels;
        private double cropMinScale = 1;
        private double flip;
        private int maxShift;
        private double maxDegrees;
        private double brightness;
        private double contrast;
        private double erase;
        private double eraseMinArea = 0.02;
        private double eraseMaxArea = 0.33;

        private Builder(int height, int width, int channels) {
            if (height < 2 || width < 2 || channels < 1) {
                throw new IllegalArgumentException("an image needs height and width >= 2 and channels >= 1, got "
                        + height + " x " + width + " x " + channels);
            }
            this.height = height;
            this.width = width;
            this.channels = channels;
        }

        /**
         * Random resized crop (torchvision's {@code RandomResizedCrop}, scale [min, 1], ratio [3/4, 4/3]).
         *
         * @param minScale the smallest area fraction kept, in (0, 1]
         * @return this builder
         */
        public Builder optRandomResizedCrop(double minScale) {
            if (!(minScale > 0 && minScale <= 1)) {
                throw new IllegalArgumentException("the crop's minimum scale must be in (0, 1], got " + minScale);
            }
            this.cropMinScale = minScale;
            return this;
        }

        /**
         * Horizontal flip.
         *
         * @param p its probability, in [0, 1]
         * @return this builder
         */
        public Builder optHorizontalFlip(double p) {
            this.flip = probability(p, "flip");
            return this;
        }

        /**
         * Translation by up to {@code pixels} in each direction.
         *
         * @param pixels the largest shift, &gt;= 0
         * @return this builder
         */
        public Builder optTranslate(int pixels) {
            if (pixels < 0 || pixels >= Math.min(height, width)) {
                throw new IllegalArgumentException("the shift must be in [0, " + Math.min(height, width) + "), got "
                        + pixels);
            }
            this.maxShift = pixels;
            return this;
        }

        /**
         * Rotation by up to {@code degrees} either way.
         *
         * @param degrees the largest angle, in [0, 180]
         * @return this builder
         */
        public Builder optRotate(double degrees) {
            if (!(degrees >= 0 && degrees <= 180)) {
                throw new IllegalArgumentException("the rotation must be in [0, 180] degrees, got " + degrees);
            }
            this.maxDegrees = degrees;
            return this;
        }

        /**
         * Brightness and contrast jitter: factors drawn from {@code [1 − b, 1 + b]} and {@code [1 − c, 1 + c]}.
         *
         * @param b brightness, in [0, 1]
         * @param c contrast, in [0, 1]
         * @return this builder
         */
        public Builder optColorJitter(double b, double c) {
            this.brightness = probability(b, "brightness");
            this.contrast = probability(c, "contrast");
            return this;
        }

        /**
         * Random erasing (Zhong et al.; torchvision's {@code RandomErasing}, value 0).
         *
         * @param p its probability, in [0, 1]
         * @param minArea the smallest erased area fraction
         * @param maxArea the largest, {@code 0 < minArea <= maxArea < 1}
         * @return this builder
         */
        public Builder optRandomErasing(double p, double minArea, double maxArea) {
            if (!(minArea > 0 && minArea <= maxArea && maxArea < 1)) {
                throw new IllegalArgumentException("erased areas need 0 < min <= max < 1, got " + minArea + " and "
                        + maxArea);
            }
            this.erase = probability(p, "erasing");
            this.eraseMinArea = minArea;
            this.eraseMaxArea = maxArea;
            return this;
        }

        private static double probability(double p, String what) {
            if (!(p >= 0 && p <= 1)) {
                throw new IllegalArgumentException(what + " must be in [0, 1], got " + p);
            }
            return p;
        }

        /**
         * Builds the augmentation.
         *
         * @return it
         */
        public ImageAugmentation build() {
            return new ImageAugmentation(this);
        }
    }
}
