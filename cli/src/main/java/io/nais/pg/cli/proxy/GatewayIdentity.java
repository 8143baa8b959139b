package io.nais.pg.cli.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Whether the gateway's certificate names the host nais dialed, as RFC 6125 checks a server
 * for HTTPS: an IP literal against the certificate's IP address entries, a host name against
 * its DNS names, where {@code *} may stand for the whole leftmost label of a name with at least
 * two more ({@code *.example.com}, never {@code *.com}); the subject's CN is not looked at (the
 * legacy fallback RFC 6125 deprecates).
 *
 * <p>JSSE would do this itself (endpoint identification "HTTPS"), but before matching it loads
 * and parses the runtime's whole {@code cacerts} (about 140 CAs) at every handshake, only to
 * learn whether the chain ends in a public CA: a third of the handshake's CPU in a
 * {@code nais postgres psql} launch (bench/psql-launch.sh). The chain itself is still verified
 * by JSSE; this check runs after the handshake, before the connection carries anything.
 */
final class GatewayIdentity {

    private static final int DNS_NAME = 2;
    private static final int IP_ADDRESS = 7;
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

    private GatewayIdentity() {
    }

    static boolean names(X509Certificate certificate, String host) {
        Collection<List<?>> alternativeNames;
        try {
            alternativeNames = certificate.getSubjectAlternativeNames();
        } catch (CertificateParsingException e) {
            return false;
        }
        if (alternativeNames == null) {
            return false;
        }
        boolean ipLiteral = isIpLiteral(host);
        for (List<?> name : alternativeNames) {
            int type = (Integer) name.get(0);
            String value = (String) name.get(1);
            if (ipLiteral ? type == IP_ADDRESS && sameAddress(host, value) : type == DNS_NAME && matchesDnsName(host, value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isIpLiteral(String host) {
        return IPV4.matcher(host).matches() || host.indexOf(':') >= 0;
    }

    /** Both are literals (an IP address entry is one), so no name is looked up. */
    private static boolean sameAddress(String host, String entry) {
        try {
            return InetAddress.getByName(host).equals(InetAddress.getByName(entry));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean matchesDnsName(String host, String entry) {
        String h = normalised(host);
        String pattern = normalised(entry);
        if (!pattern.startsWith("*.")) {
            return h.equals(pattern);
        }
        String parent = pattern.substring(2);
        int firstDot = h.indexOf('.');
        return parent.indexOf('.') > 0 && !parent.contains("*") && firstDot > 0 && h.substring(firstDot + 1).equals(parent);
    }

    /** DNS names compare without case and without the root's trailing dot. */
    private static String normalised(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
    }
}
