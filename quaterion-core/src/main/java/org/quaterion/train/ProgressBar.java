package org.quaterion.train;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training progress: on a terminal, one self-rewriting line on stderr (epoch, step/total, loss, metrics, ETA);
 * otherwise (CI, redirected output) an slf4j INFO line at most every 10 seconds and at each epoch end.
 */
final class ProgressBar {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressBar.class);
    private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final boolean enabled;
    private final boolean terminal;
    private final PrintStream err;
    private long epochStart;
    private long lastLog;

    ProgressBar(boolean enabled) {
        this.enabled = enabled;
        this.terminal = System.console() != null;
        this.err = System.err;
    }

    void startEpoch() {
        epochStart = System.nanoTime();
        lastLog = epochStart;
    }

    void step(String stage, int epoch, int step, int total, double loss) {
        if (!enabled) {
            return;
        }
        long now = System.nanoTime();
        double perStep = (now - epochStart) / 1e9 / step;
        String text = String.format(Locale.ROOT, "%s epoch %d %s %d/%d loss %.4f eta %s", stage, epoch,
                bar(step, total), step, total, loss, duration(perStep * (total - step)));
        if (terminal) {
            err.print("\r" + text + "   ");
            err.flush();
        } else if (now - lastLog >= LOG_INTERVAL_NANOS) {
            lastLog = now;
            LOG.info(text);
        }
    }

    void endEpoch(int epoch, Map<String, Double> values) {
        if (!enabled) {
            return;
        }
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT, "epoch %d done in %s:", epoch,
                duration((System.nanoTime() - epochStart) / 1e9)));
        values.forEach((k, v) -> {
            if (!k.equals("epoch")) {
                text.append(String.format(Locale.ROOT, " %s=%.5g", k, v));
            }
        });
        if (terminal) {
            err.print("\r");
            err.println(text);
        } else {
            LOG.info(text.toString());
        }
    }

    private static String bar(int step, int total) {
        int width = 20;
        int filled = total == 0 ? width : (int) ((long) width * step / total);
        return "[" + "#".repeat(filled) + ".".repeat(width - filled) + "]";
    }

    private static String duration(double seconds) {
        long s = Math.max(0, Math.round(seconds));
        return s >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60)
                : String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }
}
