package io.nais.pg.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * One image as the build writes it ({@code deploy/target/images/<module>.tar}): an OCI image layout
 * in a tar, read the way a registry client reads it (index, manifest, config, layers), each blob
 * checked against its digest.
 */
final class ImageTarball {

    static final Path DIRECTORY = Repository.DEPLOY.resolve("target/images");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A file of a layer: its path in the image, owner and mode. */
    record LayerFile(String path, long uid, int mode, boolean directory) {
    }

    private final Path file;
    private final Map<String, byte[]> blobs;
    private final String manifestDigest;

    private ImageTarball(Path file, Map<String, byte[]> blobs, String manifestDigest) {
        this.file = file;
        this.blobs = blobs;
        this.manifestDigest = manifestDigest;
    }

    /** Read once per JVM: the checks only read it. */
    private static final Map<String, ImageTarball> OPENED = new java.util.concurrent.ConcurrentHashMap<>();

    static Path path(String module) {
        return DIRECTORY.resolve(module + ".tar");
    }

    /** The module's image as the build wrote it. */
    static ImageTarball built(String module) {
        return OPENED.computeIfAbsent(module, m -> open(path(m)));
    }

    static ImageTarball open(Path file) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(Files.newInputStream(file))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                if (entry.isFile()) {
                    entries.put(entry.getName(), tar.readAllBytes());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        JsonNode layout = json(required(entries, "oci-layout"));
        if (!layout.path("imageLayoutVersion").asText().equals("1.0.0")) {
            throw new AssertionError(file + ": not an OCI image layout");
        }
        JsonNode manifests = json(required(entries, "index.json")).path("manifests");
        if (manifests.size() != 1) {
            throw new AssertionError(file + ": one manifest expected, index.json names " + manifests.size());
        }
        Map<String, byte[]> blobs = new LinkedHashMap<>();
        entries.forEach((name, bytes) -> {
            if (name.startsWith("blobs/sha256/")) {
                String digest = "sha256:" + name.substring("blobs/sha256/".length());
                if (!digest.equals(sha256(bytes))) {
                    throw new AssertionError(file + ": blob " + name + " does not match its digest");
                }
                blobs.put(digest, bytes);
            }
        });
        return new ImageTarball(file, blobs, manifests.get(0).path("digest").asText());
    }

    /** The digest a registry gives the image once pushed as is: its manifest's. */
    String manifestDigest() {
        return manifestDigest;
    }

    JsonNode manifest() {
        return json(blob(manifestDigest));
    }

    /** The image configuration's {@code config}: User, Entrypoint, Env, ExposedPorts, Labels, WorkingDir. */
    JsonNode config() {
        return json(blob(manifest().path("config").path("digest").asText())).path("config");
    }

    List<String> layerDigests() {
        return StreamSupport.stream(manifest().path("layers").spliterator(), false)
                .map(layer -> layer.path("digest").asText()).toList();
    }

    /** Every file of every layer, in layer order. */
    List<LayerFile> files() {
        return layerDigests().stream().flatMap(digest -> {
            java.util.List<LayerFile> files = new java.util.ArrayList<>();
            readLayer(digest, (entry, tar) -> files.add(new LayerFile("/" + entry.getName().replaceAll("^/+", ""),
                    entry.getLongUserId(), entry.getMode() & 07777, entry.isDirectory())));
            return files.stream();
        }).toList();
    }

    /** The image's filesystem under {@code root}, layer on layer, as a container engine lays it out. */
    Path extract(Path root) {
        for (String digest : layerDigests()) {
            readLayer(digest, (entry, tar) -> {
                Path target = root.resolve(entry.getName().replaceAll("^/+", "")).normalize();
                if (!target.startsWith(root)) {
                    throw new AssertionError(file + ": layer entry outside the root: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(target);
                } else if (entry.isFile()) {
                    Files.createDirectories(target.getParent());
                    Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(target, PosixFilePermissions.fromString(rwx(entry.getMode())));
                }
            });
        }
        return root;
    }

    private interface EntryReader {
        void read(TarArchiveEntry entry, InputStream content) throws IOException;
    }

    private void readLayer(String digest, EntryReader reader) {
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(
                new java.io.ByteArrayInputStream(blob(digest))))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                reader.read(entry, tar);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": layer " + digest, e);
        }
    }

    private byte[] blob(String digest) {
        byte[] blob = blobs.get(digest);
        if (blob == null) {
            throw new AssertionError(file + ": no blob " + digest);
        }
        return blob;
    }

    private static String rwx(int mode) {
        StringBuilder permissions = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = (mode >> shift) & 7;
            permissions.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-').append((bits & 1) != 0 ? 'x' : '-');
        }
        return permissions.toString();
    }

    private static byte[] required(Map<String, byte[]> entries, String name) {
        byte[] bytes = entries.get(name);
        if (bytes == null) {
            throw new AssertionError("no " + name + " in the image tarball");
        }
        return bytes;
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
