package org.quaterion.langchain4j;

import dev.langchain4j.data.document.Document;
import dev.langchain4j.data.document.Metadata;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quaterion.dataset.SimilarityPairSample;

/**
 * A small retrieval corpus: four handbook documents of five one-paragraph passages each (every paragraph shorter
 * than {@link #MAX_SEGMENT_CHARS}, so that LangChain4j's recursive splitter makes one segment of each), and a
 * question per passage.
 */
final class HandbookCorpus {

    /** The splitter's segment size: one paragraph fits, two do not. */
    static final int MAX_SEGMENT_CHARS = 120;

    /** Document name → its passages, each with the question it answers. */
    static final Map<String, Map<String, String>> DOCUMENTS = handbook();

    private HandbookCorpus() {}

    private static Map<String, Map<String, String>> handbook() {
        Map<String, Map<String, String>> docs = new LinkedHashMap<>();
        Map<String, String> travel = new LinkedHashMap<>();
        travel.put("Train tickets for trips under four hours are booked in second class; longer journeys may be "
                + "booked in first class.", "Which class do I book for a short train trip?");
        travel.put("Hotel rooms are reimbursed up to 150 euros per night in most cities and up to 220 euros in "
                + "London, Paris and Zurich.", "How much can a hotel night cost?");
        travel.put("Meals during a business trip are covered by a daily allowance of 45 euros; keep no receipts "
                + "for them.", "How are meals paid for when travelling for work?");
        travel.put("Flights must be booked through the travel desk at least fourteen days before departure, "
                + "except for emergencies.", "How early must flights be booked?");
        travel.put("Rental cars are allowed only when no public transport reaches the destination within an hour.",
                "When may I rent a car?");
        docs.put("travel-policy.txt", travel);
        Map<String, String> it = new LinkedHashMap<>();
        it.put("Passwords are changed every ninety days and must have at least fourteen characters, with no "
                + "reuse of the last five.", "How often do I have to change my password?");
        it.put("A lost laptop is reported to the service desk at once, so that its disk can be locked remotely.",
                "What do I do when my laptop is stolen?");
        it.put("The VPN client connects automatically on untrusted networks such as those of hotels and airports.",
                "Do I need the VPN on hotel wifi?");
        it.put("Software not in the company catalogue needs a security review before it is installed.",
                "Can I install an application that is not in the catalogue?");
        it.put("Backups of laptops run every night at two o'clock when the machine is connected to power.",
                "When are laptops backed up?");
        docs.put("it-handbook.txt", it);
        Map<String, String> office = new LinkedHashMap<>();
        office.put("The office opens at seven in the morning and closes at eight in the evening on weekdays.",
                "What are the office opening hours?");
        office.put("Meeting rooms are reserved in the calendar; a booking not used within fifteen minutes is "
                + "released.", "How do I reserve a meeting room?");
        office.put("Bicycles are parked in the basement garage, which has showers and lockers next to it.",
                "Where can I leave my bike?");
        office.put("Visitors sign in at reception and wear a badge; their host collects them in the lobby.",
                "What happens when a guest arrives?");
        office.put("The kitchen fridge is emptied every Friday afternoon; label food you want to keep.",
                "When is the fridge cleaned out?");
        docs.put("office-guide.txt", office);
        Map<String, String> leave = new LinkedHashMap<>();
        leave.put("Every employee has twenty-eight days of paid holiday a year, of which five may be carried "
                + "over to the next year.", "How many vacation days do I get?");
        leave.put("Sick leave is reported to your manager before ten o'clock on the first day of absence.",
                "Whom do I tell when I am ill?");
        leave.put("Parental leave of sixteen weeks is paid in full to either parent after the birth or adoption "
                + "of a child.", "How long is paid parental leave?");
        leave.put("Working from home is possible up to three days a week, agreed with your team in advance.",
                "How many days can I work remotely?");
        leave.put("Unpaid leave of up to three months can be requested once every five years of service.",
                "Can I take a sabbatical?");
        docs.put("leave-policy.txt", leave);
        return docs;
    }

    /**
     * The documents, each with its passages as paragraphs and its name as {@code file_name} metadata.
     *
     * @return four documents
     */
    static List<Document> documents() {
        List<Document> out = new ArrayList<>();
        DOCUMENTS.forEach((name, passages) -> out.add(Document.from(String.join("\n\n", passages.keySet()),
                Metadata.from("file_name", name))));
        return out;
    }

    /**
     * Question → passage pairs for fine-tuning, one per passage, each in its own subgroup.
     *
     * @return twenty pairs
     */
    static List<SimilarityPairSample<String>> pairs() {
        List<SimilarityPairSample<String>> pairs = new ArrayList<>();
        DOCUMENTS.values().forEach(passages -> passages.forEach((passage, question) -> pairs.add(
                new SimilarityPairSample<>(question, passage, 1.0, pairs.size()))));
        return pairs;
    }
}
