package io.nais.pg.access.gateway.audit;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the client has sent and the server has not answered yet, resolved in the
 * server's order and by the server's answers, never by the client's intent: a Parse
 * names its text only when ParseComplete comes back, a Bind makes its portal only
 * with BindComplete, a Close forgets only with CloseComplete. An ErrorResponse fails
 * the step it answers, and the server skips every message up to the next Sync, so
 * those steps are dropped unapplied (a statement name refused with 42P05 keeps its
 * old text). A statement is recorded when its step reaches the head of the queue:
 * everything sent before it has been answered, so its portal and text are what the
 * server runs.
 *
 * <p>Which answer ends which step: '1' Parse, '2' Bind, '3' Close, 'C'/'I'/'s' an
 * Execute, 'Z' a Sync, a simple Query or a FunctionCall. Describe and Flush are not
 * followed (their answers change nothing the audit reads). ReadyForQuery also settles
 * anything still queued before its Sync as done, so a gap in this model can leave a
 * statement unattributed but never drop it.
 *
 * <p>Bounded: a client that has more than {@value #MAX_PENDING} steps in flight
 * (far beyond any real pipelining) is no longer followed. The session's state is
 * forgotten, and from then on each simple Query and FunctionCall is recorded with
 * its own text and each Execute as {@link StatementText#UNATTRIBUTED_BACKLOG}.
 */
final class ServerOrder {

    static final int MAX_PREPARED = 4096;
    static final int MAX_PENDING = 100_000;

    interface Step {
    }

    record Parse(String name, StatementText text) implements Step {
    }

    /** {@code unattributed}: set when the tap could not read the statement's name (the portal gets this text). */
    record Bind(String portal, String statement, int parameterCount, StatementText unattributed) implements Step {
    }

    record Close(byte kind, String name) implements Step {
    }

    record Sync() implements Step {
    }

    /** Something the server runs: an Execute of {@code portal}, or (portal null) a Query or FunctionCall with its own text. */
    static final class Run implements Step {
        final String portal;
        final StatementText text;
        final int parameterCount;
        boolean recorded;

        private Run(String portal, StatementText text, int parameterCount) {
            this.portal = portal;
            this.text = text;
            this.parameterCount = parameterCount;
        }

        static Run execute(String portal) {
            return new Run(portal, null, 0);
        }

        static Run itself(StatementText text, int parameterCount) {
            return new Run(null, text, parameterCount);
        }

        /** A Query or FunctionCall ends with ReadyForQuery, like a Sync. */
        boolean endsWithReady() {
            return portal == null;
        }
    }

    /** Receives each statement the server runs, once. */
    interface Recorder {
        void record(StatementText text, int parameterCount);
    }

    private static final class Portal {
        final StatementText text;
        final int parameterCount;
        boolean executed;

        Portal(StatementText text, int parameterCount) {
            this.text = text;
            this.parameterCount = parameterCount;
        }
    }

    private final Recorder recorder;
    private final Deque<Step> pending = new ArrayDeque<>();
    private final Map<String, StatementText> statements = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, StatementText> eldest) {
            return size() > MAX_PREPARED;
        }
    };
    private final Map<String, Portal> portals = new HashMap<>();
    private boolean overwhelmed;

    ServerOrder(Recorder recorder) {
        this.recorder = recorder;
    }

    /** The client sent {@code step}; it takes effect when the server answers it. */
    void sent(Step step) {
        if (!overwhelmed && pending.size() >= MAX_PENDING) {
            overwhelmed = true;
            pending.clear();
            statements.clear();
            portals.clear();
        }
        if (overwhelmed) {
            if (step instanceof Run run) {
                recorder.record(run.portal == null ? run.text : StatementText.UNATTRIBUTED_BACKLOG, run.parameterCount);
            }
            return;
        }
        pending.add(step);
        recordHead();
    }

    /** The server sent a message of {@code type}. */
    void answered(byte type) {
        if (overwhelmed || pending.isEmpty()) {
            return;
        }
        Step head = pending.peek();
        switch (type) {
            case '1' -> done(head, Parse.class);
            case '2' -> done(head, Bind.class);
            case '3' -> done(head, Close.class);
            case 'C', 'I', 's' -> {
                if (head instanceof Run run && !run.endsWithReady()) {
                    pending.remove();
                }
            }
            case 'E' -> failed(head);
            case 'Z' -> ready();
            default -> {
                // rows, descriptions, notices, COPY: nothing the audit follows
            }
        }
        recordHead();
    }

    private void done(Step head, Class<? extends Step> answers) {
        if (answers.isInstance(head)) {
            apply(pending.remove());
        }
    }

    /**
     * In a simple Query or FunctionCall the ReadyForQuery that follows ends it. In the
     * extended protocol the failed step and everything up to the Sync are skipped by
     * the server; a failed unnamed Parse has already dropped the unnamed statement.
     */
    private void failed(Step head) {
        if (head instanceof Run run && run.endsWithReady()) {
            return;
        }
        if (head instanceof Parse parse && parse.name().isEmpty()) {
            statements.remove("");
        }
        while (!pending.isEmpty() && !(pending.peek() instanceof Sync)) {
            pending.remove();
        }
    }

    private void ready() {
        while (!pending.isEmpty()) {
            Step step = pending.remove();
            if (step instanceof Sync || step instanceof Run run && run.endsWithReady()) {
                if (step instanceof Run run) {
                    record(run);
                }
                return;
            }
            apply(step);
        }
    }

    private void apply(Step step) {
        if (step instanceof Parse parse) {
            statements.put(parse.name(), parse.text());
        } else if (step instanceof Bind bind) {
            StatementText text = bind.unattributed() != null ? bind.unattributed()
                    : statements.getOrDefault(bind.statement(), StatementText.UNKNOWN);
            portals.put(bind.portal(), new Portal(text, bind.parameterCount()));
        } else if (step instanceof Close close) {
            (close.kind() == 'S' ? statements : portals).remove(close.name());
        } else if (step instanceof Run run) {
            record(run);
        }
    }

    /** The head is what the server runs next: record it now, while its portal is the one the server uses. */
    private void recordHead() {
        if (pending.peek() instanceof Run run) {
            record(run);
        }
    }

    private void record(Run run) {
        if (run.recorded) {
            return;
        }
        run.recorded = true;
        if (run.portal == null) {
            recorder.record(run.text, run.parameterCount);
            return;
        }
        Portal portal = portals.get(run.portal);
        if (portal == null) {
            recorder.record(StatementText.UNKNOWN, 0);
        } else if (!portal.executed) {
            // a suspended portal fetched again (fetch size) is the same statement
            portal.executed = true;
            recorder.record(portal.text, portal.parameterCount);
        }
    }
}
