package io.nais.pg.backup.migrate;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

import jakarta.inject.Singleton;

import io.nais.pg.backup.config.BackupConfig;
import io.quarkus.runtime.Startup;

/**
 * Where a migration's source may be: any host whose every address lies
 * outside the refused networks ({@code nais.backup.migration.refused-source-networks}).
 * The URL is a person's input and this process holds cluster admin secrets and
 * reaches every cluster, so the check keeps it from being aimed at itself
 * (loopback), the cloud metadata address (link-local) or, with the
 * deployment's pod and service ranges, the platform's own endpoints. The
 * NetworkPolicy is the fence that holds when DNS answers differently at
 * connect time (deploy/README.md, "Migrations"). Made at start-up, so a
 * malformed network in the configuration stops the process, not a request.
 */
@Startup
@Singleton
class SourceHosts {

    private final List<Network> refused;

    SourceHosts(BackupConfig config) {
        this.refused = config.migration().refusedSourceNetworks().stream().map(String::strip).filter(s -> !s.isEmpty()).map(Network::parse).toList();
    }

    /** Why {@code host} may not be a source, or null when it may. */
    String refusal(String host) {
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            return "the source host " + host + " does not resolve";
        }
        for (InetAddress address : addresses) {
            for (Network network : refused) {
                if (network.contains(address)) {
                    return "the source host " + host + " is in a network migrations may not read from (" + network + ")";
                }
            }
        }
        return null;
    }

    /** An IPv4 or IPv6 CIDR block; an IPv4-mapped IPv6 address counts as its IPv4 address. */
    private record Network(byte[] prefix, int bits, String text) {

        static Network parse(String cidr) {
            String[] parts = cidr.split("/", 2);
            try {
                byte[] prefix = InetAddress.getByName(parts[0]).getAddress();
                int bits = parts.length == 2 ? Integer.parseInt(parts[1]) : prefix.length * 8;
                if (bits < 0 || bits > prefix.length * 8) {
                    throw new IllegalArgumentException("bad prefix length in " + cidr);
                }
                return new Network(prefix, bits, cidr);
            } catch (UnknownHostException | NumberFormatException e) {
                throw new IllegalArgumentException("nais.backup.migration.refused-source-networks: not a CIDR: " + cidr);
            }
        }

        boolean contains(InetAddress address) {
            byte[] bytes = unmapped(address.getAddress());
            if (bytes.length != prefix.length) {
                return false;
            }
            BigInteger mask = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE).shiftLeft(prefix.length * 8 - bits);
            return new BigInteger(1, bytes).and(mask).equals(new BigInteger(1, prefix).and(mask));
        }

        private static byte[] unmapped(byte[] bytes) {
            if (bytes.length == 16) {
                boolean mapped = bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
                for (int i = 0; i < 10 && mapped; i++) {
                    mapped = bytes[i] == 0;
                }
                if (mapped) {
                    return java.util.Arrays.copyOfRange(bytes, 12, 16);
                }
            }
            return bytes;
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
