package io.nais.pg.events;

/**
 * A document is not a valid platform event. The message names the event type
 * (when known) and the offending field as a JSON pointer into the envelope,
 * e.g. {@code nais.pg.TeamMemberAdded.v1 /data/email: …}. It never quotes the
 * document itself. Consumers send such records to the dead-letter topic.
 */
public class InvalidEventException extends RuntimeException {

    private final String type;
    private final String pointer;

    public InvalidEventException(String type, String pointer, String problem) {
        this(type, pointer, problem, null);
    }

    public InvalidEventException(String type, String pointer, String problem, Throwable cause) {
        super(describe(type, pointer, problem), cause);
        this.type = type;
        this.pointer = pointer;
    }

    /** The CloudEvents type of the document, or null when it could not be read. */
    public String type() {
        return type;
    }

    /** JSON pointer of the offending field ("" for the whole document). */
    public String pointer() {
        return pointer;
    }

    private static String describe(String type, String pointer, String problem) {
        String where = pointer == null || pointer.isEmpty() ? "(document)" : pointer;
        return "invalid event " + (type == null ? "of unknown type" : type) + " at " + where + ": " + problem;
    }
}
