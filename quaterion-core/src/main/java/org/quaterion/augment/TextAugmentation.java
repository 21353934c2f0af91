package org.quaterion.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Text transforms on whitespace-separated words (as nlpaug's random word dropout and swap): each word is dropped
 * with probability {@code dropout} (a text keeps at least one word), then {@code swaps} random pairs of adjacent
 * words are exchanged. Immutable.
 *
 * @param dropout the probability of dropping each word, in [0, 1)
 * @param swaps how many adjacent pairs to exchange, &gt;= 0
 */
public record TextAugmentation(double dropout, int swaps) implements Augmentation<String> {

    /** Validates the settings. */
    public TextAugmentation {
        if (!(dropout >= 0 && dropout < 1)) {
            throw new IllegalArgumentException("word dropout must be in [0, 1), got " + dropout);
        }
        if (swaps < 0) {
            throw new IllegalArgumentException("word swaps must be >= 0, got " + swaps);
        }
    }

    @Override
    public String apply(String record, Random random) {
        String[] words = record.trim().split("\\s+");
        List<String> kept = new ArrayList<>(words.length);
        for (String w : words) {
            if (random.nextDouble() >= dropout) {
                kept.add(w);
            }
        }
        if (kept.isEmpty()) {
            kept.add(words[random.nextInt(words.length)]);
        }
        for (int i = 0; i < swaps && kept.size() > 1; i++) {
            int a = random.nextInt(kept.size() - 1);
            String t = kept.get(a);
            kept.set(a, kept.get(a + 1));
            kept.set(a + 1, t);
        }
        return String.join(" ", kept);
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "text(dropout %s, swaps %d)", dropout, swaps);
    }
}
