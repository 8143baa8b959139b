package io.nais.pg.backup.crypto;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.List;

import com.exceptionfactory.jagged.DecryptingChannelFactory;
import com.exceptionfactory.jagged.EncryptingChannelFactory;
import com.exceptionfactory.jagged.RecipientStanzaReader;
import com.exceptionfactory.jagged.RecipientStanzaWriter;
import com.exceptionfactory.jagged.framework.stream.StandardDecryptingChannelFactory;
import com.exceptionfactory.jagged.framework.stream.StandardEncryptingChannelFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaReaderFactory;
import com.exceptionfactory.jagged.x25519.X25519RecipientStanzaWriterFactory;

/**
 * age (v1, X25519 recipients, binary, not armored): the format of every dump,
 * so that {@code age -d -i key.txt} alone can read one in a disaster.
 *
 * <p>Encryption needs only public recipients, all the backup side holds; the
 * identities (private keys) are needed to verify and restore, held only by the
 * verify side ({@code nais.backup.mode}), in a file it reads, never in an
 * event, a log line or an exception message.
 */
public final class AgeCipher {

    private final List<String> recipients;

    public AgeCipher(List<String> recipients) {
        if (recipients.isEmpty()) {
            throw new IllegalArgumentException("at least one age recipient (age1…) is needed");
        }
        this.recipients = List.copyOf(recipients);
        recipientWriters(); // fail at start-up on a malformed recipient, not in the night
    }

    public List<String> recipients() {
        return recipients;
    }

    /** Wraps {@code sink}: what is written to the result lands in {@code sink} as an age file. */
    public WritableByteChannel encrypt(WritableByteChannel sink) throws IOException {
        EncryptingChannelFactory factory = new StandardEncryptingChannelFactory();
        try {
            return factory.newEncryptingChannel(sink, recipientWriters());
        } catch (GeneralSecurityException e) {
            throw new IOException("age encryption could not start: " + e.getClass().getSimpleName(), e);
        }
    }

    /**
     * Decrypts {@code source} with {@code keys}. Throws {@link WrongKeyException}
     * when no identity opens the file's header; a tampered payload fails while
     * reading (age authenticates every 64 KiB chunk).
     */
    public static ReadableByteChannel decrypt(ReadableByteChannel source, AgeIdentities keys) throws IOException {
        List<RecipientStanzaReader> readers = new ArrayList<>();
        for (String identity : keys.secretKeys()) {
            try {
                readers.add(X25519RecipientStanzaReaderFactory.newRecipientStanzaReader(identity));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("an age identity is malformed (the key itself is not shown)");
            }
        }
        DecryptingChannelFactory factory = new StandardDecryptingChannelFactory();
        try {
            return factory.newDecryptingChannel(source, readers);
        } catch (GeneralSecurityException e) {
            throw new WrongKeyException("no configured age identity opens this backup (" + e.getClass().getSimpleName() + ")", e);
        }
    }

    private List<RecipientStanzaWriter> recipientWriters() {
        List<RecipientStanzaWriter> writers = new ArrayList<>();
        for (String recipient : recipients) {
            try {
                writers.add(X25519RecipientStanzaWriterFactory.newRecipientStanzaWriter(recipient));
            } catch (GeneralSecurityException e) {
                throw new IllegalArgumentException("not an age X25519 recipient: " + recipient, e);
            }
        }
        return writers;
    }

    /** No identity we hold can open the backup: a refusal, not a transient failure. */
    public static final class WrongKeyException extends IOException {
        public WrongKeyException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
