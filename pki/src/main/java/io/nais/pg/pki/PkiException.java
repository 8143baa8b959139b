package io.nais.pg.pki;

/** Creating, issuing or exporting a certificate failed. */
public class PkiException extends RuntimeException {
    public PkiException(String message, Throwable cause) {
        super(message, cause);
    }
}
